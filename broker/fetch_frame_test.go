package broker

import (
	"bufio"
	"bytes"
	"testing"

	blog "github.com/spate-io/spate/broker/log"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// TestFetchFrameMatchesKmsg: the hand-written Fetch encoder with records
// spliced from a log's files writes, for every version the broker serves,
// exactly the bytes kmsg writes for the same response with the records in
// memory.
func TestFetchFrameMatchesKmsg(t *testing.T) {
	l, err := blog.Open(t.TempDir(), blog.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for i := 0; i < 3; i++ {
		if _, err := l.Append(encodeBatch(int64(1000+i), []kv{{[]byte("k"), []byte("value")}, {nil, []byte("second")}}), blog.AppendOptions{LeaderEpoch: 2}); err != nil {
			t.Fatal(err)
		}
	}
	read := func(from int64) *blog.ReadResult {
		r, err := l.ReadUntil(from, 1<<20, l.LogEndOffset())
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	for version := int16(4); version <= 18; version++ {
		resp := kmsg.NewPtrFetchResponse()
		resp.Version, resp.ThrottleMillis, resp.ErrorCode, resp.SessionID = version, 7, 0, 0
		t1 := kmsg.NewFetchResponseTopic()
		t1.Topic, t1.TopicID = "clicks", [16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
		for i := int32(0); i < 4; i++ {
			p := kmsg.NewFetchResponseTopicPartition()
			p.Partition, p.HighWatermark, p.LastStableOffset, p.LogStartOffset = i, 6, 6, 0
			p.RecordBatches = []byte{}
			switch i {
			case 1:
				p.ErrorCode, p.HighWatermark = 6, -1
			case 2:
				p.AbortedTransactions = []kmsg.FetchResponseTopicPartitionAbortedTransaction{{ProducerID: 9, FirstOffset: 3}}
			case 3:
				p.RecordBatches = nil
			}
			t1.Partitions = append(t1.Partitions, p)
		}
		t2 := kmsg.NewFetchResponseTopic()
		t2.Topic = "b"
		resp.Topics = []kmsg.FetchResponseTopic{t1, t2}
		f := &fetchResponse{FetchResponse: resp, files: [][]*blog.ReadResult{{read(0), nil, read(2), nil}, nil}}

		var got bytes.Buffer
		bw := bufio.NewWriter(&got)
		if _, err := f.writeFrame(bw, &got, 42, nil); err != nil {
			t.Fatal(err)
		}
		bw.Flush()
		want, err := f.materialize()
		if err != nil {
			t.Fatal(err)
		}
		if w := appendResponse(nil, 42, want); !bytes.Equal(got.Bytes(), w) {
			t.Fatalf("v%d: the frame differs from kmsg's:\n got %x\nwant %x", version, got.Bytes(), w)
		}
	}
}
