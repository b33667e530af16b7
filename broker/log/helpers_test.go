package log

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// batchSpec describes a v2 batch for tests.
type batchSpec struct {
	records     int
	valueSize   int
	firstTs     int64 // first record timestamp; records are 1 ms apart
	codec       kgo.CompressionCodec
	producerID  int64
	epoch       int16
	baseSeq     int32
	leaderEpoch int32
	baseOffset  int64
	tsStep      int64 // ms between records; 1 when 0
}

// tsBase is "now" for test timestamps: plain's firstTs is relative to it, so
// time retention (7 days by default) keeps test data.
var tsBase = time.Now().UnixMilli()

func plain(records, valueSize int, firstTs int64) batchSpec {
	return batchSpec{records: records, valueSize: valueSize, firstTs: tsBase + firstTs, producerID: -1, epoch: -1, baseSeq: -1, leaderEpoch: -1}
}

func idem(pid int64, epoch int16, seq int32, records int) batchSpec {
	s := plain(records, 10, 1000)
	s.producerID, s.epoch, s.baseSeq = pid, epoch, seq
	return s
}

// makeBatch builds a valid v2 batch with franz-go's kmsg types and
// compression (sealBatch).
func makeBatch(t testing.TB, s batchSpec) []byte {
	t.Helper()
	var recs []byte
	step := max(s.tsStep, 1)
	for i := range s.records {
		recs = append(recs, encodeRecord(kmsg.Record{
			TimestampDelta64: int64(i) * step,
			OffsetDelta:      int32(i),
			Key:              []byte(fmt.Sprintf("k%d", i)),
			Value:            bytes.Repeat([]byte{byte('a' + i%26)}, s.valueSize),
		})...)
	}
	return sealBatch(t, kmsg.RecordBatch{
		FirstOffset:          s.baseOffset,
		PartitionLeaderEpoch: s.leaderEpoch,
		LastOffsetDelta:      int32(s.records - 1),
		FirstTimestamp:       s.firstTs,
		MaxTimestamp:         s.firstTs + int64(s.records-1)*step,
		ProducerID:           s.producerID,
		ProducerEpoch:        s.epoch,
		FirstSequence:        s.baseSeq,
		NumRecords:           int32(s.records),
	}, recs, s.codec)
}

// encodeRecord encodes r with its Length: kmsg encodes Length as given,
// so encode once to measure the rest.
func encodeRecord(r kmsg.Record) []byte {
	body := r.AppendTo(nil)
	_, n := binary.Varint(body)
	r.Length = int32(len(body) - n)
	return r.AppendTo(nil)
}

// sealBatch completes the v2 batch header b around the encoded records:
// compressed with codec (kgo's compressors) unless it is none, magic 2,
// Length, and a CRC32C computed over attributes..end.
func sealBatch(t testing.TB, b kmsg.RecordBatch, recs []byte, codec kgo.CompressionCodec) []byte {
	t.Helper()
	if codec != (kgo.CompressionCodec{}) && codec != kgo.NoCompression() {
		c, err := kgo.DefaultCompressor(codec)
		if err != nil {
			t.Fatal(err)
		}
		out, used := c.Compress(new(bytes.Buffer), recs)
		recs = append([]byte(nil), out...)
		b.Attributes = int16(used)
	}
	b.Magic, b.Records = 2, recs
	b.Length = int32(batchHeaderSize - batchOverhead + len(recs))
	out := b.AppendTo(nil)
	binary.BigEndian.PutUint32(out[offCRC:], crc32.Checksum(out[offAttributes:], crc32.MakeTable(crc32.Castagnoli)))
	return out
}

// fakeClock is a settable clock.
type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time      { return c.now }
func (c *fakeClock) Add(d time.Duration) { c.now = c.now.Add(d) }
func newClock() *fakeClock               { return &fakeClock{now: time.UnixMilli(tsBase)} }
func mustOpen(t testing.TB, dir string, cfg Config, opts ...Option) *Log {
	t.Helper()
	l, err := Open(dir, cfg, append([]Option{WithLogger(discardLogger)}, opts...)...)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return l
}

// readAll reads every batch from offset to the end.
func readAll(t testing.TB, l *Log, from int64) []BatchHeader {
	t.Helper()
	var hs []BatchHeader
	for off := from; off < l.LogEndOffset(); {
		b, _ := readBytes(t, l, off, 1<<20, noLimit)
		if len(b) == 0 {
			break // compaction removed the last offsets before the end
		}
		br := NewBatchReader(b)
		for br.Next() {
			if err := VerifyCRC(br.Batch()); err != nil {
				t.Fatalf("batch at %d: %v", br.Header().BaseOffset, err)
			}
			hs = append(hs, br.Header())
			off = br.Header().NextOffset()
		}
		if br.Err() != nil {
			t.Fatal(br.Err())
		}
	}
	return hs
}

// discardLogger keeps expected recovery warnings out of fuzz output.
var discardLogger = slog.New(slog.NewTextHandler(io.Discard, nil))
