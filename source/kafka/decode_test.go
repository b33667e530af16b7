package kafka

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"reflect"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// testRecord is a record to encode into a test batch.
type testRecord struct {
	delta      int32 // offset delta
	key, value []byte
	headers    []kmsg.Header
}

// encodeBatch encodes a v2 record batch at base with the given attributes,
// last offset delta and records, compressed with codec when it is set.
func encodeBatch(t testing.TB, base int64, attrs int16, lastDelta int32, codec kgo.CompressionCodec, recs ...testRecord) []byte {
	t.Helper()
	var body []byte
	for i, r := range recs {
		kr := kmsg.Record{TimestampDelta64: int64(i) * 10, OffsetDelta: r.delta, Key: r.key, Value: r.value, Headers: r.headers}
		encoded := kr.AppendTo(nil)
		kr.Length = int32(len(encoded) - 1) // the zero length took one byte
		body = kr.AppendTo(body)
	}
	if attrs&attrCompression != 0 {
		c, err := kgo.DefaultCompressor(codec)
		if err != nil {
			t.Fatal(err)
		}
		out, _ := c.Compress(new(bytes.Buffer), body)
		body = append([]byte(nil), out...)
	}
	b := kmsg.RecordBatch{
		FirstOffset: base, Magic: 2, Attributes: attrs, LastOffsetDelta: lastDelta,
		FirstTimestamp: 1000, MaxTimestamp: 5000, ProducerID: -1, ProducerEpoch: -1, FirstSequence: -1,
		NumRecords: int32(len(recs)), Records: body,
	}
	raw := b.AppendTo(nil)
	binary.BigEndian.PutUint32(raw[8:], uint32(len(raw)-12))
	binary.BigEndian.PutUint32(raw[17:], crc32.Checksum(raw[21:], castagnoli))
	return raw
}

// decodedRows renders decoded records for comparison.
func decodedRows(d *decoded) []string {
	var out []string
	for _, r := range d.recs {
		s := fmt.Sprintf("%d key=%q value=%q ts=%d/%d", r.offset, d.bytes(r.key), d.bytes(r.value), r.timestamp, r.tsType)
		if r.key.n < 0 {
			s = fmt.Sprintf("%d key=null value=%q ts=%d/%d", r.offset, d.bytes(r.value), r.timestamp, r.tsType)
		}
		for _, h := range d.hdrs[r.hdr : r.hdr+r.nhdr] {
			s += fmt.Sprintf(" %s=%q", d.bytes(h.key), d.bytes(h.value))
		}
		out = append(out, s)
	}
	return out
}

func TestDecodeBatches(t *testing.T) {
	recs := []testRecord{
		{delta: 0, key: []byte("a"), value: []byte("1"), headers: []kmsg.Header{{Key: "h", Value: []byte("x")}}},
		{delta: 1, key: nil, value: []byte{}},
		{delta: 2, key: []byte("c"), value: []byte("3")},
	}
	all := []string{
		`10 key="a" value="1" ts=1000/0 h="x"`,
		`11 key=null value="" ts=1010/0`,
		`12 key="c" value="3" ts=1020/0`,
	}
	plain := encodeBatch(t, 10, 0, 2, kgo.NoCompression(), recs...)
	cases := []struct {
		name   string
		raw    []byte
		offset int64
		want   []string
		next   int64
	}{
		{"one batch", plain, 10, all, 13},
		{"from inside the batch", plain, 12, all[2:], 13},
		{"batch before the offset", plain, 13, nil, 13},
		{"gzip", encodeBatch(t, 10, 1, 2, kgo.GzipCompression(), recs...), 11, all[1:], 13},
		{"zstd", encodeBatch(t, 10, 4, 2, kgo.ZstdCompression(), recs...), 10, all, 13},
		{"lz4", encodeBatch(t, 10, 3, 2, kgo.Lz4Compression(), recs...), 10, all, 13},
		{"snappy", encodeBatch(t, 10, 2, 2, kgo.SnappyCompression(), recs...), 10, all, 13},
		{"log append time", encodeBatch(t, 10, attrLogAppend, 0, kgo.NoCompression(), testRecord{key: []byte("c"), value: []byte("3")}), 10, []string{`10 key="c" value="3" ts=5000/1`}, 11},
		{"control batch (a commit marker)", append(encodeBatch(t, 13, attrControl, 0, kgo.NoCompression(), testRecord{key: []byte{0, 0, 0, 1}, value: []byte{0, 0, 0, 0, 0, 0}}), plain...), 13, nil, 14},
		{"empty batch left by compaction", encodeBatch(t, 20, 0, 4, kgo.NoCompression()), 20, nil, 25},
		{"gap inside a compacted batch", encodeBatch(t, 30, 0, 9, kgo.NoCompression(), testRecord{delta: 2, key: []byte("k")}), 30, []string{`32 key="k" value="" ts=1000/0`}, 40},
		{"second batch cut off", append(plain, encodeBatch(t, 13, 0, 0, kgo.NoCompression(), recs[0])[:40]...), 10, all, 13},
		{"nothing but a cut-off batch", plain[:len(plain)-1], 10, nil, 10},
		{"empty response", nil, 10, nil, 10},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, next, err := decodeBatches(c.raw, c.offset, kgo.DefaultDecompressor())
			if err != nil {
				t.Fatal(err)
			}
			if got := decodedRows(d); !reflect.DeepEqual(got, c.want) || next != c.next {
				t.Fatalf("got %q next %d\nwant %q next %d", got, next, c.want, c.next)
			}
		})
	}
}

func TestDecodeBatchesRefusesCorruption(t *testing.T) {
	good := encodeBatch(t, 10, 0, 1, kgo.NoCompression(), testRecord{delta: 0, value: []byte("v")}, testRecord{delta: 1, value: []byte("w")})
	flip := func(i int) []byte {
		b := append([]byte(nil), good...)
		b[i] ^= 0xff
		return b
	}
	short := append([]byte(nil), good...)
	binary.BigEndian.PutUint32(short[8:], 10) // a length below the header's
	badRecords := encodeBatch(t, 10, 0, 0, kgo.NoCompression(), testRecord{value: []byte("v")})
	badRecords = badRecords[:len(badRecords)-1] // a record one byte short, CRC redone
	binary.BigEndian.PutUint32(badRecords[8:], uint32(len(badRecords)-12))
	binary.BigEndian.PutUint32(badRecords[17:], crc32.Checksum(badRecords[21:], castagnoli))
	for name, raw := range map[string][]byte{
		"crc":                         flip(len(good) - 1),
		"length":                      short,
		"record bytes":                badRecords,
		"record past the last offset": encodeBatch(t, 10, 0, 0, kgo.NoCompression(), testRecord{delta: 1}),
	} {
		_, _, err := decodeBatches(raw, 10, kgo.DefaultDecompressor())
		if !errors.Is(err, errCorrupt) {
			t.Errorf("%s: err %v, want a corrupt batch", name, err)
		}
	}
}

// FuzzDecodeBatches feeds arbitrary bytes to the batch decoder: it must
// never panic, and what it returns must be in bounds.
func FuzzDecodeBatches(f *testing.F) {
	f.Add(encodeBatch(f, 0, 0, 1, kgo.NoCompression(), testRecord{delta: 0, key: []byte("k"), value: []byte("v"), headers: []kmsg.Header{{Key: "a", Value: []byte("b")}}}, testRecord{delta: 1}), int64(0))
	f.Add(encodeBatch(f, 5, 1, 0, kgo.GzipCompression(), testRecord{value: []byte("zip")}), int64(5))
	f.Add(encodeBatch(f, 7, attrControl, 0, kgo.NoCompression(), testRecord{key: []byte{0, 0, 0, 0}}), int64(7))
	f.Fuzz(func(t *testing.T, raw []byte, offset int64) {
		d, next, err := decodeBatches(raw, offset, kgo.DefaultDecompressor())
		if err != nil {
			return
		}
		if next < offset {
			t.Fatalf("next %d went back from %d", next, offset)
		}
		for _, r := range d.recs {
			if r.offset < offset {
				t.Fatalf("record at %d below the fetch offset %d", r.offset, offset)
			}
			_, _ = d.bytes(r.key), d.bytes(r.value)
			for _, h := range d.hdrs[r.hdr : r.hdr+r.nhdr] {
				_, _ = d.bytes(h.key), d.bytes(h.value)
			}
		}
	})
}
