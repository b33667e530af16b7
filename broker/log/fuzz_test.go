package log

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
)

// fuzzBase is a cleanly closed partition folder with a few batches, built
// once and copied for every fuzz input.
var fuzzBase = sync.OnceValues(func() (map[string][]byte, error) {
	dir, err := os.MkdirTemp("", "spate-log-fuzz")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	l, err := Open(dir, Config{IndexIntervalBytes: 64})
	if err != nil {
		return nil, err
	}
	for i := range 6 {
		s := plain(1+i, 20, int64(i))
		if i%2 == 1 {
			s.codec = kgo.SnappyCompression()
		}
		if _, err := l.Append(makeBatch(&testing.T{}, s), AppendOptions{LeaderEpoch: 1}); err != nil {
			return nil, err
		}
	}
	if err := l.Close(); err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		files[e.Name()] = b
	}
	return files, nil
})

// FuzzSegmentRecovery appends arbitrary bytes to a valid active segment and
// recovers it, after a clean close (mode bit 0 clear) or a crash: recovery
// never panics and keeps every whole valid batch that was there.
func FuzzSegmentRecovery(f *testing.F) {
	good := makeBatch(f, plain(2, 10, 0))
	f.Add(byte(0), []byte{})
	f.Add(byte(1), []byte("garbage"))
	f.Add(byte(0), good[:len(good)/2])
	f.Add(byte(1), good)
	f.Add(byte(1), make([]byte, 100))
	fsyncOff.Store(true)
	f.Cleanup(func() { fsyncOff.Store(false) })
	f.Fuzz(func(t *testing.T, mode byte, tail []byte) {
		files, err := fuzzBase()
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		var segName string
		for name, b := range files {
			if name == cleanShutdownTag && mode&1 == 1 {
				continue
			}
			if filepath.Ext(name) == logSuffix {
				segName = name
				b = append(append([]byte(nil), b...), tail...)
			}
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		l, err := Open(dir, Config{IndexIntervalBytes: 64}, WithLogger(discardLogger))
		if err != nil {
			t.Fatalf("recovery failed: %v", err)
		}
		defer l.Close()
		orig := files[segName]
		if l.LogEndOffset() < 21 {
			t.Fatalf("recovery lost data: leo %d", l.LogEndOffset())
		}
		r, err := l.Read(0, len(orig))
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		b, err := r.Bytes()
		if err != nil || !bytes.HasPrefix(b, orig) {
			t.Fatalf("the original batches changed (%d bytes read, %d before): %v", len(b), len(orig), err)
		}
		if _, err := l.Append(makeBatch(t, plain(1, 1, 0)), AppendOptions{}); err != nil {
			t.Fatalf("append after recovery: %v", err)
		}
	})
}

// FuzzReadBatches runs the batch iterator and checker over arbitrary bytes:
// no panic, batches in bounds and contiguous.
func FuzzReadBatches(f *testing.F) {
	a, b := makeBatch(f, plain(3, 10, 0)), makeBatch(f, plain(1, 0, 0))
	f.Add(append(append([]byte(nil), a...), b...))
	f.Add(a[:40])
	f.Add([]byte{})
	f.Add(make([]byte, 61))
	f.Fuzz(func(t *testing.T, in []byte) {
		r := NewBatchReader(in)
		end := 0
		for r.Next() {
			if r.Pos() != end {
				t.Fatalf("batch at %d, previous ended at %d", r.Pos(), end)
			}
			h, batch := r.Header(), r.Batch()
			if len(batch) != h.Size() || h.Size() < batchHeaderSize {
				t.Fatalf("batch of %d bytes, header says %d", len(batch), h.Size())
			}
			_ = VerifyCRC(batch)
			_, _ = CheckBatch(batch, 1<<20)
			end = r.Pos() + len(batch)
		}
		if r.Err() == nil && end != len(in) {
			t.Fatalf("clean end at %d of %d bytes", end, len(in))
		}
		_, _ = ParseBatchHeader(in)
	})
}
