package log

import (
	"encoding/binary"
	"errors"
	"math"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
)

func TestCheckBatch(t *testing.T) {
	good := makeBatch(t, plain(3, 20, 1000))
	mut := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	cases := []struct {
		name    string
		b       []byte
		max     int
		wantErr error
	}{
		{"valid", good, 0, nil},
		{"valid at the limit", good, len(good), nil},
		{"empty", nil, 0, ErrTruncatedBatch},
		{"magic 1", mut(func(b []byte) []byte { b[offMagic] = 1; return b }), 0, ErrUnsupportedMagic},
		{"magic 0 in a short slice", mut(func(b []byte) []byte { b[offMagic] = 0; return b[:20] }), 0, ErrUnsupportedMagic},
		{"header cut", good[:40], 0, ErrTruncatedBatch},
		{"batch cut", good[:len(good)-1], 0, ErrTruncatedBatch},
		{"too large", good, len(good) - 1, ErrBatchTooLarge},
		{"length below header", mut(func(b []byte) []byte { binary.BigEndian.PutUint32(b[offLength:], 10); return b }), 0, ErrCorruptBatch},
		{"negative lastOffsetDelta", mut(func(b []byte) []byte { binary.BigEndian.PutUint32(b[offLastOffsetDelta:], math.MaxUint32); return b }), 0, ErrCorruptBatch},
		{"negative count", mut(func(b []byte) []byte { binary.BigEndian.PutUint32(b[offRecordCount:], math.MaxUint32); return b }), 0, ErrCorruptBatch},
		{"bad CRC", mut(func(b []byte) []byte { b[len(b)-1] ^= 0xff; return b }), 0, ErrCorruptBatch},
		{"base offset is outside the CRC", mut(func(b []byte) []byte { SetBaseOffset(b, 12345); return b }), 0, nil},
		{"leader epoch is outside the CRC", mut(func(b []byte) []byte { SetPartitionLeaderEpoch(b, 7); return b }), 0, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, err := CheckBatch(c.b, c.max)
			if c.wantErr == nil {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				if h.Size() != len(good) || h.RecordCount != 3 || h.LastOffsetDelta != 2 {
					t.Fatalf("header %+v", h)
				}
				return
			}
			if !errors.Is(err, c.wantErr) {
				t.Fatalf("error %v, want %v", err, c.wantErr)
			}
			var be *BatchError
			if !errors.As(err, &be) || be.Reason == "" {
				t.Fatalf("error %v is not a *BatchError with a reason", err)
			}
		})
	}
}

func TestBatchHeaderFields(t *testing.T) {
	s := idem(42, 3, math.MaxInt32-1, 4)
	s.codec = kgo.ZstdCompression()
	b := makeBatch(t, s)
	h, err := CheckBatch(b, 0)
	if err != nil {
		t.Fatal(err)
	}
	if h.ProducerID != 42 || h.ProducerEpoch != 3 || !h.HasProducerID() || h.Compression() != CompressionZstd {
		t.Fatalf("header %+v", h)
	}
	if got := h.LastSequence(); got != 1 {
		t.Fatalf("last sequence after wrap-around %d, want 1", got)
	}
	if h.TimestampType() != CreateTime || h.IsTransactional() || h.IsControl() {
		t.Fatalf("attributes %x", h.Attributes)
	}
}

func TestAddSequence(t *testing.T) {
	cases := []struct{ seq, delta, want int32 }{
		{0, 0, 0}, {0, 4, 4}, {math.MaxInt32, 0, math.MaxInt32}, {math.MaxInt32, 1, 0},
		{math.MaxInt32 - 1, 3, 1}, {-1, 5, -1},
	}
	for _, c := range cases {
		if got := addSequence(c.seq, c.delta); got != c.want {
			t.Errorf("addSequence(%d, %d) = %d, want %d", c.seq, c.delta, got, c.want)
		}
	}
}

func TestSetLogAppendTimeKeepsCRCValid(t *testing.T) {
	b := makeBatch(t, plain(5, 10, 1000))
	SetLogAppendTime(b, 99999)
	h, err := CheckBatch(b, 0)
	if err != nil {
		t.Fatal(err)
	}
	if h.TimestampType() != LogAppendTime || h.MaxTimestamp != 99999 || h.FirstTimestamp != tsBase+1000 {
		t.Fatalf("header %+v", h)
	}
}

func TestBatchReader(t *testing.T) {
	var all []byte
	for i := range 4 {
		all = append(all, makeBatch(t, plain(i+1, 10, 1000))...)
	}
	cases := []struct {
		name      string
		b         []byte
		batches   int
		wantErr   error
		stopAtPos int
	}{
		{"four batches", all, 4, nil, 0},
		{"empty", nil, 0, nil, 0},
		{"partial trailing batch", all[:len(all)-3], 3, ErrTruncatedBatch, -1},
		{"garbage after", append(append([]byte(nil), all...), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 4, ErrUnsupportedMagic, len(all)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := NewBatchReader(c.b)
			n := 0
			for r.Next() {
				if err := VerifyCRC(r.Batch()); err != nil {
					t.Fatal(err)
				}
				if int(r.Header().RecordCount) != n+1 {
					t.Fatalf("batch %d has %d records", n, r.Header().RecordCount)
				}
				n++
			}
			if n != c.batches {
				t.Fatalf("%d batches, want %d", n, c.batches)
			}
			if !errors.Is(r.Err(), c.wantErr) || (c.wantErr == nil) != (r.Err() == nil) {
				t.Fatalf("err %v, want %v", r.Err(), c.wantErr)
			}
			var be *BatchError
			if c.stopAtPos > 0 && (!errors.As(r.Err(), &be) || be.Pos != c.stopAtPos) {
				t.Fatalf("stopped with %v, want at byte %d", r.Err(), c.stopAtPos)
			}
		})
	}
}
