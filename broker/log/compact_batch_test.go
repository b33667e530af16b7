package log

import (
	"encoding/binary"
	"hash/crc32"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// batchRecords decodes one batch as a consumer would.
func batchRecords(t *testing.T, b []byte) []consumed {
	t.Helper()
	fp, _ := kgo.ProcessFetchPartition(kgo.ProcessFetchPartitionOpts{Topic: "t"},
		&kmsg.FetchResponseTopicPartition{HighWatermark: 1 << 40, RecordBatches: b}, kgo.DefaultDecompressor(), nil)
	if fp.Err != nil {
		t.Fatalf("decode: %v", fp.Err)
	}
	var out []consumed
	for _, r := range fp.Records {
		out = append(out, consumed{offset: r.Offset, key: string(r.Key), value: string(r.Value), tombstone: r.Value == nil, ts: r.Timestamp.UnixMilli()})
	}
	return out
}

func TestCleanBatch(t *testing.T) {
	const base = 100
	at := func(s kvSpec) []byte {
		b := kvBatch(t, s)
		SetBaseOffset(b, base)
		return b
	}
	// Keys a, b, c, d have later records at 200; e has none.
	keys := newOffsetMap(10)
	for _, k := range []string{"a", "b", "c", "d"} {
		keys.put([]byte(k), 200)
	}
	keys.put([]byte("x"), 101)
	rules := cleanRules{keys: keys, mapEnd: 300, nowMs: 5000, deleteRetentionMs: 1000, lastBatch: map[int64]int64{7: base + 1}}
	cases := []struct {
		name        string
		batch       []byte
		rules       func(r *cleanRules)
		wantKept    []consumed // nil with wantDropped
		wantDropped bool
		wantSame    bool // the input bytes, unchanged
		wantHorizon int64
		wantEmpty   bool
		wantOpaque  bool
	}{
		{name: "superseded records go", batch: at(kvs(put("a", "1"), put("e", "1"), put("b", "1"))),
			wantKept: []consumed{{offset: 101, key: "e", value: "1"}}, wantHorizon: -1},
		{name: "a batch of latest records is kept as it is", batch: at(kvs(put("e", "1"), put("x", "2"))),
			wantSame: true, wantHorizon: -1},
		{name: "all superseded: dropped", batch: at(kvs(put("a", "1"), put("b", "1"))), wantDropped: true, wantHorizon: -1},
		{name: "keyless records go", batch: at(kvs(kv{keyless: true, value: "v"}, put("e", "1"))),
			wantKept: []consumed{{offset: 101, key: "e", value: "1"}}, wantHorizon: -1},
		{name: "records past the mapped range stay, keyless too", batch: at(kvs(put("a", "1"), kv{keyless: true, value: "v"})),
			rules: func(r *cleanRules) { r.mapEnd = 100 }, wantSame: true, wantHorizon: -1},
		{name: "a tombstone first kept gets a delete horizon", batch: at(kvs(del("e"), put("x", "1"))),
			wantKept: []consumed{{offset: 100, key: "e", tombstone: true}, {offset: 101, key: "x", value: "1"}}, wantHorizon: 6000},
		{name: "an expired tombstone goes", batch: withHorizon(t, at(kvs(del("e"), put("x", "1"))), 5000),
			wantKept: []consumed{{offset: 101, key: "x", value: "1"}}, wantHorizon: -1},
		{name: "a tombstone before its horizon stays, unchanged", batch: withHorizon(t, at(kvs(del("e"), put("x", "1"))), 5001),
			wantSame: true, wantHorizon: 5001},
		{name: "a producer's last batch stays empty", batch: at(kvs(put("a", "1"), put("b", "1")).idempotent(7, 0, 4)),
			wantEmpty: true, wantHorizon: -1},
		{name: "a producer's older batch goes", batch: at(kvs(put("a", "1")).idempotent(7, 0, 3)), wantDropped: true, wantHorizon: -1},
		{name: "a gzip batch is rewritten with gzip", batch: at(kvs(put("a", "1"), put("e", "2"), put("x", "3")).compressed(kgo.GzipCompression())),
			wantKept: []consumed{{offset: 101, key: "e", value: "2"}, {offset: 102, key: "x", value: "3"}}, wantHorizon: -1},
		{name: "a control batch stays whole", batch: withAttrs(t, at(kvs(put("a", "1"))), attrControl|attrTransactional),
			wantSame: true, wantHorizon: -1},
		{name: "unreadable records keep the batch whole", batch: withRecords(t, at(kvs(put("a", "1"))), []byte{0x7f, 1, 2}),
			wantSame: true, wantOpaque: true, wantHorizon: -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := batchCleaner{rules: rules}
			if tc.rules != nil {
				tc.rules(&c.rules)
			}
			in := append([]byte(nil), tc.batch...)
			h, err := CheckBatch(in, 0)
			if err != nil {
				t.Fatal(err)
			}
			res, err := c.clean(in, &h)
			if err != nil {
				t.Fatal(err)
			}
			if res.horizon != tc.wantHorizon || res.opaque != tc.wantOpaque {
				t.Fatalf("horizon %d opaque %v, want %d %v", res.horizon, res.opaque, tc.wantHorizon, tc.wantOpaque)
			}
			switch {
			case tc.wantDropped:
				if res.batch != nil || !res.changed {
					t.Fatalf("kept %x", res.batch)
				}
				return
			case tc.wantSame:
				if res.changed || string(res.batch) != string(tc.batch) {
					t.Fatal("the batch changed")
				}
				return
			}
			out, err := CheckBatch(res.batch, 0)
			if err != nil {
				t.Fatalf("the cleaned batch is invalid: %v", err)
			}
			if out.BaseOffset != h.BaseOffset || out.LastOffsetDelta != h.LastOffsetDelta || out.BaseSequence != h.BaseSequence ||
				out.ProducerID != h.ProducerID || out.PartitionLeaderEpoch != h.PartitionLeaderEpoch {
				t.Fatalf("header %+v, input %+v", out, h)
			}
			if tc.wantEmpty {
				if out.RecordCount != 0 || out.Compression() != CompressionNone || len(res.batch) != batchHeaderSize {
					t.Fatalf("not an empty batch: %+v", out)
				}
				return
			}
			if out.Compression() != h.Compression() {
				t.Fatalf("codec %d, want %d", out.Compression(), h.Compression())
			}
			got := batchRecords(t, res.batch)
			sameRecords(t, got, tc.wantKept)
			for i, r := range got { // timestamps survive a new base timestamp
				if want := tsBase + r.offset - base; r.ts != want {
					t.Fatalf("record %d timestamp %d, want %d", i, r.ts, want)
				}
			}
		})
	}
}

// withHorizon marks a batch as cleaned before, with a delete horizon,
// re-basing its record timestamps as compaction does.
func withHorizon(t *testing.T, b []byte, horizon int64) []byte {
	t.Helper()
	h, _ := ParseBatchHeader(b)
	c := batchCleaner{rules: cleanRules{keys: newOffsetMap(1), mapEnd: 0}}
	if err := c.parse(b, &h); err != nil {
		t.Fatal(err)
	}
	c.kept = c.all
	out, err := c.rebuild(b, &h, true, horizon)
	if err != nil {
		t.Fatal(err)
	}
	return append([]byte(nil), out...)
}

// withAttrs sets attribute bits and fixes the CRC.
func withAttrs(t *testing.T, b []byte, attrs int16) []byte {
	t.Helper()
	a := binary.BigEndian.Uint16(b[offAttributes:]) | uint16(attrs)
	binary.BigEndian.PutUint16(b[offAttributes:], a)
	binary.BigEndian.PutUint32(b[offCRC:], crc32.Checksum(b[offAttributes:], castagnoli))
	return b
}

// withRecords replaces the records section with raw bytes, CRC fixed: a
// batch a broken producer could send.
func withRecords(t *testing.T, b []byte, recs []byte) []byte {
	t.Helper()
	out := append(append([]byte(nil), b[:batchHeaderSize]...), recs...)
	binary.BigEndian.PutUint32(out[offLength:], uint32(len(out)-batchOverhead))
	binary.BigEndian.PutUint32(out[offCRC:], crc32.Checksum(out[offAttributes:], castagnoli))
	return out
}
