package log

import (
	"testing"
)

func TestAppendReadAcrossRollsAndReopen(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{SegmentBytes: 4096, IndexIntervalBytes: 512}
	l := mustOpen(t, dir, cfg)
	var want int64
	for i := range 100 {
		res, err := l.Append(makeBatch(t, plain(1+i%5, 50, int64(1000+i))), AppendOptions{LeaderEpoch: 0})
		if err != nil {
			t.Fatal(err)
		}
		if res.BaseOffset != want {
			t.Fatalf("batch %d: base offset %d, want %d", i, res.BaseOffset, want)
		}
		want = res.LastOffset + 1
	}
	if l.LogEndOffset() != want || l.NumSegments() < 5 {
		t.Fatalf("leo %d (want %d), %d segments", l.LogEndOffset(), want, l.NumSegments())
	}
	if hs := readAll(t, l, 0); len(hs) != 100 {
		t.Fatalf("read %d batches, want 100", len(hs))
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l = mustOpen(t, dir, cfg)
	defer l.Close()
	if l.LogEndOffset() != want {
		t.Fatalf("after reopen leo %d, want %d", l.LogEndOffset(), want)
	}
	if hs := readAll(t, l, 0); len(hs) != 100 {
		t.Fatalf("after reopen read %d batches, want 100", len(hs))
	}
}
