package log

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// fill appends n batches of records each and returns their bytes as stored.
func fill(t testing.TB, l *Log, n, records, valueSize int) [][]byte {
	t.Helper()
	var out [][]byte
	for i := range n {
		b := makeBatch(t, plain(records, valueSize, int64(1000+i*records)))
		if _, err := l.Append(b, AppendOptions{LeaderEpoch: 0}); err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

func readBytes(t testing.TB, l *Log, off int64, max int, until int64) ([]byte, *ReadResult) {
	t.Helper()
	r, err := l.ReadUntil(off, max, until)
	if err != nil {
		t.Fatalf("read at %d: %v", off, err)
	}
	b, err := r.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	return b, r
}

func TestReadSemantics(t *testing.T) {
	l := mustOpen(t, t.TempDir(), Config{SegmentBytes: 2000, IndexIntervalBytes: 300})
	defer l.Close()
	stored := fill(t, l, 30, 10, 20) // offsets 0..299, batches of 10
	size := len(stored[0])
	cases := []struct {
		name      string
		off       int64
		max       int
		until     int64
		wantFirst int64 // base offset of the first batch, -1 for none
		wantN     int   // batches returned
	}{
		{"from a batch start", 50, size * 3, noLimit, 50, 3},
		{"from the middle of a batch", 57, size * 3, noLimit, 50, 3},
		{"max below one batch still gives one (KIP-74)", 57, 10, noLimit, 50, 1},
		{"max zero gives one", 0, 0, noLimit, 0, 1},
		{"max between batches rounds down", 0, size*2 + size/2, noLimit, 0, 2},
		{"across segments", 0, 1 << 20, noLimit, 0, 30},
		{"until stops before the batch at it", 100, 1 << 20, 150, 100, 5},
		{"until inside a batch includes it", 100, 1 << 20, 155, 100, 6},
		{"until at the offset gives nothing", 150, 1 << 20, 150, -1, 0},
		{"at the end gives nothing", 300, 1 << 20, noLimit, -1, 0},
		{"last batch", 299, 1 << 20, noLimit, 290, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, r := readBytes(t, l, c.off, c.max, c.until)
			if int64(len(b)) != r.Size {
				t.Fatalf("read %d bytes, result says %d", len(b), r.Size)
			}
			br := NewBatchReader(b)
			n := 0
			for br.Next() {
				if n == 0 && br.Header().BaseOffset != c.wantFirst {
					t.Fatalf("first batch at %d, want %d", br.Header().BaseOffset, c.wantFirst)
				}
				if err := VerifyCRC(br.Batch()); err != nil {
					t.Fatal(err)
				}
				want := stored[br.Header().BaseOffset/10]
				if !bytes.Equal(br.Batch()[offLeaderEpoch:], want[offLeaderEpoch:]) {
					t.Fatalf("batch %d differs from what was appended", br.Header().BaseOffset)
				}
				n++
			}
			if br.Err() != nil || n != c.wantN {
				t.Fatalf("%d batches (err %v), want %d", n, br.Err(), c.wantN)
			}
		})
	}
	if l.NumSegments() < 3 {
		t.Fatalf("only %d segments: the test wants reads across rolls", l.NumSegments())
	}
}

func TestReadOutOfRange(t *testing.T) {
	l := mustOpen(t, t.TempDir(), Config{})
	defer l.Close()
	fill(t, l, 5, 10, 10)
	if _, err := l.DeleteRecordsBefore(20); err != nil {
		t.Fatal(err)
	}
	for _, off := range []int64{0, 19, 51, 1000} {
		_, err := l.Read(off, 100)
		var oor *OffsetOutOfRangeError
		if !errors.Is(err, ErrOffsetOutOfRange) || !errors.As(err, &oor) || oor.LogStart != 20 || oor.LogEnd != 50 {
			t.Errorf("read at %d: %v", off, err)
		}
	}
	b, _ := readBytes(t, l, 20, 100, noLimit)
	if h, err := ParseBatchHeader(b); err != nil || h.BaseOffset != 20 {
		t.Fatalf("read at the log start: %+v %v", h, err)
	}
}

func TestWriteToTCPUsesWholeRanges(t *testing.T) {
	l := mustOpen(t, t.TempDir(), Config{SegmentBytes: 3000})
	defer l.Close()
	fill(t, l, 40, 5, 30)
	want, _ := readBytes(t, l, 0, 1<<20, noLimit)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan []byte, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			got <- nil
			return
		}
		defer c.Close()
		b, _ := io.ReadAll(c)
		got <- b
	}()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	r, err := l.Read(0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Ranges) < 2 {
		t.Fatalf("%d ranges; the test wants several segments", len(r.Ranges))
	}
	n, err := r.WriteTo(conn)
	r.Close()
	conn.Close()
	if err != nil || n != int64(len(want)) {
		t.Fatalf("WriteTo wrote %d of %d: %v", n, len(want), err)
	}
	if b := <-got; !bytes.Equal(b, want) {
		t.Fatalf("received %d bytes that differ from the %d read", len(b), len(want))
	}
	var buf bytes.Buffer
	r, _ = l.Read(0, 1<<20)
	defer r.Close()
	if _, err := r.WriteTo(&buf); err != nil || !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("WriteTo a buffer: %v", err)
	}
}

func TestReadSurvivesRetentionAndClose(t *testing.T) {
	clock := newClock()
	l := mustOpen(t, t.TempDir(), Config{SegmentBytes: 1500, RetentionBytes: 1}, WithClock(clock.Now))
	fill(t, l, 20, 5, 30)
	r, err := l.Read(0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	want, err := r.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	deleted, err := l.Maintain()
	if err != nil || deleted == 0 {
		t.Fatalf("retention deleted %d segments: %v", deleted, err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := r.Bytes()
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("a held read changed after retention and close: %v", err)
	}
}

func TestConcurrentReadersAndAppender(t *testing.T) {
	l := mustOpen(t, t.TempDir(), Config{SegmentBytes: 8000, IndexIntervalBytes: 256, RetentionBytes: 40000})
	defer l.Close()
	const batches = 400
	var wg sync.WaitGroup
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	errs := make(chan error, 8)
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			next := int64(0)
			for next < batches*4 {
				if err := l.Wait(ctx, next); err != nil {
					errs <- err
					return
				}
				r, err := l.Read(next, 3000)
				if errors.Is(err, ErrOffsetOutOfRange) {
					next = l.LogStartOffset()
					continue
				}
				if err != nil {
					errs <- err
					return
				}
				b, err := r.Bytes()
				r.Close()
				if err != nil {
					errs <- err
					return
				}
				br := NewBatchReader(b)
				for br.Next() {
					if err := VerifyCRC(br.Batch()); err != nil {
						errs <- err
						return
					}
					next = br.Header().NextOffset()
				}
				if br.Err() != nil {
					errs <- br.Err()
					return
				}
			}
		}()
	}
	for i := range batches {
		if _, err := l.Append(makeBatch(t, plain(4, 40, int64(i))), AppendOptions{}); err != nil {
			t.Fatal(err)
		}
		if i%50 == 0 {
			if _, err := l.Maintain(); err != nil {
				t.Fatal(err)
			}
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestWaitAndEndOffsetChanged(t *testing.T) {
	l := mustOpen(t, t.TempDir(), Config{})
	ch := l.EndOffsetChanged()
	done := make(chan error, 1)
	go func() { done <- l.Wait(context.Background(), 0) }()
	fill(t, l, 1, 1, 1)
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatal("EndOffsetChanged not closed by an append")
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := l.Wait(ctx, 1); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Wait past the end: %v", err)
	}
	go func() { done <- l.Wait(context.Background(), 5) }()
	l.Close()
	if err := <-done; !errors.Is(err, ErrClosed) {
		t.Fatalf("Wait on a closed log: %v", err)
	}
	select {
	case <-l.EndOffsetChanged():
	default:
		t.Fatal("EndOffsetChanged of a closed log would block forever")
	}
}

// TestReadersDuringTruncation runs readers while the writer appends,
// truncates and resets: reads may fail cleanly (out of range, a range cut
// under them) but never panic, race or return a batch that fails its CRC
// unless the range was cut.
func TestReadersDuringTruncation(t *testing.T) {
	l := mustOpen(t, t.TempDir(), Config{SegmentBytes: 3000, IndexIntervalBytes: 200})
	defer l.Close()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				r, err := l.Read(l.LogStartOffset(), 4000)
				if err != nil {
					continue
				}
				if b, err := r.Bytes(); err == nil {
					br := NewBatchReader(b)
					for br.Next() {
					}
				}
				r.Close()
				_, _, _ = l.OffsetForTimestamp(tsBase + 1050)
			}
		}()
	}
	for round := range 30 {
		fill(t, l, 10, 5, 20)
		if err := l.Truncate(l.LogEndOffset() - 17); err != nil {
			t.Fatal(err)
		}
		if round%10 == 9 {
			if err := l.Reset(l.LogEndOffset() + 100); err != nil {
				t.Fatal(err)
			}
		}
	}
	close(stop)
	wg.Wait()
	fill(t, l, 3, 5, 20)
	if hs := readAll(t, l, l.LogStartOffset()); len(hs) != 3 {
		t.Fatal("nothing readable at the end")
	}
}
