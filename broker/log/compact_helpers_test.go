package log

import (
	"fmt"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// kv is one test record: a key and a value, or a tombstone, or keyless.
type kv struct {
	key, value string
	tombstone  bool
	keyless    bool
}

func put(k, v string) kv { return kv{key: k, value: v} }
func del(k string) kv    { return kv{key: k, tombstone: true} }

// kvSpec describes a batch of kv records.
type kvSpec struct {
	recs       []kv
	codec      kgo.CompressionCodec
	producerID int64 // -1 (the default from kvs) for none
	epoch      int16
	baseSeq    int32
	firstTs    int64
}

func kvs(recs ...kv) kvSpec {
	return kvSpec{recs: recs, producerID: -1, epoch: -1, baseSeq: -1, firstTs: tsBase}
}

func (s kvSpec) compressed(c kgo.CompressionCodec) kvSpec { s.codec = c; return s }

func (s kvSpec) idempotent(pid int64, epoch int16, seq int32) kvSpec {
	s.producerID, s.epoch, s.baseSeq = pid, epoch, seq
	return s
}

// kvBatch encodes a v2 batch with kmsg, compressed with kgo's codecs
// (sealBatch).
func kvBatch(t testing.TB, s kvSpec) []byte {
	t.Helper()
	var recs []byte
	for i, kv := range s.recs {
		r := kmsg.Record{TimestampDelta64: int64(i), OffsetDelta: int32(i)}
		if !kv.keyless {
			r.Key = []byte(kv.key)
		}
		if !kv.tombstone {
			r.Value = []byte(kv.value)
		}
		recs = append(recs, encodeRecord(r)...)
	}
	return sealBatch(t, kmsg.RecordBatch{
		PartitionLeaderEpoch: -1,
		LastOffsetDelta:      int32(len(s.recs) - 1), FirstTimestamp: s.firstTs, MaxTimestamp: s.firstTs + int64(len(s.recs)-1),
		ProducerID: s.producerID, ProducerEpoch: s.epoch, FirstSequence: s.baseSeq,
		NumRecords: int32(len(s.recs)),
	}, recs, s.codec)
}

// appendKV appends one batch and returns its base offset.
func appendKV(t testing.TB, l *Log, s kvSpec) int64 {
	t.Helper()
	res, err := l.Append(kvBatch(t, s), AppendOptions{LeaderEpoch: 1})
	if err != nil {
		t.Fatalf("append: %v", err)
	}
	return res.BaseOffset
}

// consumed is a record as a consumer sees it.
type consumed struct {
	offset    int64
	key       string
	value     string
	tombstone bool
	ts        int64
}

func (c consumed) String() string {
	if c.tombstone {
		return fmt.Sprintf("%d:%s=<del>", c.offset, c.key)
	}
	return fmt.Sprintf("%d:%s=%s", c.offset, c.key, c.value)
}

// consume reads the whole log through Read and franz-go's own fetch
// parsing (kgo.ProcessFetchPartition: CRC checks, decompression, offset
// bookkeeping), as a consumer fetching from the broker would.
func consume(t testing.TB, l *Log) []consumed {
	t.Helper()
	var out []consumed
	dec := kgo.DefaultDecompressor()
	for off, rounds := l.LogStartOffset(), 0; off < l.LogEndOffset(); rounds++ {
		if rounds > 100000 {
			t.Fatalf("consume: no progress at offset %d", off)
		}
		b, _ := readBytes(t, l, off, 64<<10, noLimit)
		if len(b) == 0 {
			break // compaction removed the last offsets before the end
		}
		fp, next := kgo.ProcessFetchPartition(kgo.ProcessFetchPartitionOpts{Offset: off, Topic: "t"},
			&kmsg.FetchResponseTopicPartition{HighWatermark: l.LogEndOffset(), RecordBatches: b}, dec, nil)
		if fp.Err != nil {
			t.Fatalf("consume at %d: %v", off, fp.Err)
		}
		for _, rec := range fp.Records {
			out = append(out, consumed{offset: rec.Offset, key: string(rec.Key), value: string(rec.Value),
				tombstone: rec.Value == nil, ts: rec.Timestamp.UnixMilli()})
		}
		if next <= off {
			t.Fatalf("consume: the next offset %d does not pass %d", next, off)
		}
		off = next
	}
	return out
}

// replay builds the key -> value map a consumer of the log ends with:
// later records win, tombstones delete.
func replay(recs []consumed) map[string]string {
	m := map[string]string{}
	for _, r := range recs {
		if r.tombstone {
			delete(m, r.key)
		} else {
			m[r.key] = r.value
		}
	}
	return m
}

// latestOffsets maps each key to the offset of its latest record.
func latestOffsets(recs []consumed) map[string]int64 {
	m := map[string]int64{}
	for _, r := range recs {
		m[r.key] = r.offset
	}
	return m
}

// storedHeaders reads every batch header of the log in order.
func storedHeaders(t testing.TB, l *Log) []BatchHeader {
	t.Helper()
	return readAll(t, l, l.LogStartOffset())
}

// compactCfg is a compacted log with small segments.
func compactCfg(segmentBytes int64) Config {
	return Config{SegmentBytes: segmentBytes, CleanupPolicy: CleanupCompact, IndexIntervalBytes: 256}
}

// mustCompact compacts and fails the test on an error.
func mustCompact(t testing.TB, l *Log) CompactStats {
	t.Helper()
	st, err := l.Compact()
	if err != nil {
		t.Fatalf("compact: %v", err)
	}
	return st
}
