package broker

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// The broker writes its own records (committed offsets) as uncompressed v2
// record batches, and reads them back at start-up with decodeRecords.

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// kv is one record's key and value; a nil value is a tombstone.
type kv struct{ key, value []byte }

// encodeBatch builds one uncompressed magic-2 record batch of kvs at
// timestamp ts (milliseconds), base offset 0 (the log assigns it).
func encodeBatch(ts int64, kvs []kv) []byte {
	var recs []byte
	for i, r := range kvs {
		rec := kmsg.Record{OffsetDelta: int32(i), Key: r.key, Value: r.value}
		body := rec.AppendTo(nil)[1:] // without the 1-byte varint of Length 0
		recs = binary.AppendVarint(recs, int64(len(body)))
		recs = append(recs, body...)
	}
	b := kmsg.RecordBatch{
		PartitionLeaderEpoch: -1, Magic: 2,
		LastOffsetDelta: int32(len(kvs) - 1), FirstTimestamp: ts, MaxTimestamp: ts,
		ProducerID: -1, ProducerEpoch: -1, FirstSequence: -1,
		NumRecords: int32(len(kvs)), Records: recs,
	}
	out := b.AppendTo(nil)
	binary.BigEndian.PutUint32(out[8:], uint32(len(out)-12))
	binary.BigEndian.PutUint32(out[17:], crc32.Checksum(out[21:], castagnoli))
	return out
}

// decodeRecords calls fn for every record of the uncompressed batches in
// data with its absolute offset. A compressed or malformed batch is an error.
func decodeRecords(data []byte, fn func(offset int64, key, value []byte)) error {
	for len(data) >= 12 {
		n := int(int32(binary.BigEndian.Uint32(data[8:])))
		if n < 49 || 12+n > len(data) {
			return nil // a partial trailing batch: the read stopped there
		}
		var b kmsg.RecordBatch
		if err := b.ReadFrom(data[:12+n]); err != nil {
			return fmt.Errorf("broker: decoding internal record batch: %w", err)
		}
		data = data[12+n:]
		if b.Attributes&0x07 != 0 {
			return errors.New("broker: internal record batch is compressed; the broker never writes those")
		}
		if b.Attributes&0x20 != 0 {
			continue // control batch
		}
		recs := b.Records
		for i := int32(0); i < b.NumRecords; i++ {
			l, sz := binary.Varint(recs)
			if sz <= 0 || l < 0 || int(l) > len(recs)-sz {
				return errors.New("broker: internal record batch has a truncated record")
			}
			var r kmsg.Record
			if err := r.ReadFrom(recs[:sz+int(l)]); err != nil {
				return fmt.Errorf("broker: decoding internal record: %w", err)
			}
			recs = recs[sz+int(l):]
			fn(b.FirstOffset+int64(r.OffsetDelta), r.Key, r.Value)
		}
	}
	return nil
}
