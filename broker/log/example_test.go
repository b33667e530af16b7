package log_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"

	blog "github.com/spate-io/spate/broker/log"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// exampleBatch is what a producer sends: one v2 batch of one record.
func exampleBatch(value string) []byte {
	r := kmsg.Record{Value: []byte(value)}
	body := r.AppendTo(nil)
	_, n := binary.Varint(body)
	r.Length = int32(len(body) - n)
	b := kmsg.RecordBatch{Magic: 2, NumRecords: 1, FirstTimestamp: 1700000000000, MaxTimestamp: 1700000000000,
		ProducerID: -1, ProducerEpoch: -1, FirstSequence: -1, Records: r.AppendTo(nil)}
	b.Length = int32(49 + len(b.Records))
	out := b.AppendTo(nil)
	binary.BigEndian.PutUint32(out[17:], crc32.Checksum(out[21:], crc32.MakeTable(crc32.Castagnoli)))
	return out
}

func Example() {
	dir, _ := os.MkdirTemp("", "clicks-0")
	defer os.RemoveAll(dir)
	l, err := blog.Open(dir, blog.Config{RetentionMs: -1})
	if err != nil {
		panic(err)
	}
	defer l.Close()

	for _, v := range []string{"a", "b", "c"} {
		res, err := l.Append(exampleBatch(v), blog.AppendOptions{LeaderEpoch: 0})
		if err != nil {
			panic(err)
		}
		fmt.Println("appended at", res.BaseOffset)
	}

	r, err := l.Read(1, 1<<20) // from the batch holding offset 1
	if err != nil {
		panic(err)
	}
	defer r.Close()
	b, _ := r.Bytes()
	br := blog.NewBatchReader(b)
	for br.Next() {
		fmt.Println("batch", br.Header().BaseOffset, "records", br.Header().RecordCount)
	}

	_, err = l.Read(7, 100)
	fmt.Println(errors.Is(err, blog.ErrOffsetOutOfRange))
	// Output:
	// appended at 0
	// appended at 1
	// appended at 2
	// batch 1 records 1
	// batch 2 records 1
	// true
}
