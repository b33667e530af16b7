package log

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// activeSegmentPath is the newest .log file in dir.
func activeSegmentPath(t testing.TB, dir string) string {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(dir, "*.log"))
	if len(paths) == 0 {
		t.Fatal("no segment")
	}
	return paths[len(paths)-1]
}

func appendToFile(t testing.TB, path string, b []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(b); err != nil {
		t.Fatal(err)
	}
}

// crashCopy copies a live partition folder, as a crash with the page cache
// intact would leave it: no clean-shutdown marker, no final flush.
func crashCopy(t testing.TB, dir string) string {
	t.Helper()
	dst := t.TempDir()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		in, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out, err := os.Create(filepath.Join(dst, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(out, in); err != nil {
			t.Fatal(err)
		}
		in.Close()
		out.Close()
	}
	return dst
}

func TestRecoveryTruncatesTornTail(t *testing.T) {
	good := makeBatch(t, plain(3, 40, 0))
	badCRC := append([]byte(nil), good...)
	badCRC[len(badCRC)-2] ^= 0x55
	cases := []struct {
		name string
		tail []byte
	}{
		{"half a batch", good[:len(good)/2]},
		{"a few header bytes", good[:7]},
		{"garbage", []byte("this is not a record batch at all, just noise noise noise noise noise")},
		{"zeros", make([]byte, 4096)},
		{"a whole batch with a bad CRC", badCRC},
		{"a good batch then half of one", append(append([]byte(nil), good...), good[:30]...)},
	}
	for _, c := range cases {
		for _, clean := range []bool{true, false} {
			name := c.name + map[bool]string{true: " after a clean close", false: " after a crash"}[clean]
			t.Run(name, func(t *testing.T) {
				dir := t.TempDir()
				cfg := Config{SegmentBytes: 2000, IndexIntervalBytes: 100}
				l := mustOpen(t, dir, cfg)
				fill(t, l, 12, 3, 40)
				leo := l.LogEndOffset()
				l.Close()
				tail := append([]byte(nil), c.tail...)
				if len(tail) >= 8 {
					SetBaseOffset(tail, leo) // as the broker would have written it
				}
				if !clean {
					os.Remove(filepath.Join(dir, cleanShutdownTag))
				}
				seg := activeSegmentPath(t, dir)
				st, _ := os.Stat(seg)
				appendToFile(t, seg, tail)
				l = mustOpen(t, dir, cfg)
				defer l.Close()
				wantLeo := leo
				if strings.HasPrefix(c.name, "a good batch") {
					wantLeo += 3 // the whole valid batch is kept
				}
				if l.LogEndOffset() != wantLeo {
					t.Fatalf("leo %d, want %d", l.LogEndOffset(), wantLeo)
				}
				if hs := readAll(t, l, 0); len(hs) != int(wantLeo/3) {
					t.Fatalf("%d batches readable, want %d", len(hs), wantLeo/3)
				}
				if st2, _ := os.Stat(seg); wantLeo == leo && st2.Size() != st.Size() {
					t.Fatalf("segment is %d bytes after recovery, was %d", st2.Size(), st.Size())
				}
				res, err := l.Append(makeBatch(t, plain(2, 5, 0)), AppendOptions{})
				if err != nil || res.BaseOffset != wantLeo {
					t.Fatalf("append after recovery: %+v %v", res, err)
				}
			})
		}
	}
}

func TestRecoveryAfterCrashKeepsEverything(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{SegmentBytes: 3000, IndexIntervalBytes: 200}
	l := mustOpen(t, dir, cfg)
	defer l.Close()
	fill(t, l, 50, 4, 30)
	l.flushWG.Wait() // the background flushes of rolled segments
	copyDir := crashCopy(t, dir)
	l2 := mustOpen(t, copyDir, cfg)
	defer l2.Close()
	if l2.LogEndOffset() != 200 || len(readAll(t, l2, 0)) != 50 {
		t.Fatalf("after a crash: leo %d", l2.LogEndOffset())
	}
	if got, ok, err := l2.OffsetForTimestamp(tsBase + 1100); err != nil || !ok || got.Offset != 100 {
		t.Fatalf("OffsetForTimestamp after a crash: %+v %v %v", got, ok, err)
	}
}

func TestRecoveryRebuildsIndexes(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{SegmentBytes: 2000, IndexIntervalBytes: 150}
	l := mustOpen(t, dir, cfg)
	fill(t, l, 30, 3, 40)
	l.Close()
	idx, _ := filepath.Glob(filepath.Join(dir, "*.index"))
	tidx, _ := filepath.Glob(filepath.Join(dir, "*.timeindex"))
	if len(idx) < 3 {
		t.Fatalf("%d index files", len(idx))
	}
	os.Remove(idx[0])                                       // missing
	os.WriteFile(idx[1], []byte("garbage!garbage!"), 0o644) // corrupt
	os.Truncate(tidx[2], 0)                                 // empty time index
	os.Remove(idx[len(idx)-1])                              // the active segment's
	l = mustOpen(t, dir, cfg)
	defer l.Close()
	if hs := readAll(t, l, 0); len(hs) != 30 {
		t.Fatalf("%d batches readable", len(hs))
	}
	for _, off := range []int64{0, 17, 44, 89} {
		b, _ := readBytes(t, l, off, 1, noLimit)
		if h, _ := ParseBatchHeader(b); h.BaseOffset != off/3*3 {
			t.Fatalf("read at %d gave batch %d", off, h.BaseOffset)
		}
	}
	if got, ok, _ := l.OffsetForTimestamp(tsBase + 1040); !ok || got.Offset != 40 {
		t.Fatalf("OffsetForTimestamp after index rebuild: %+v %v", got, ok)
	}
	if _, err := os.Stat(idx[0]); err != nil {
		t.Fatalf("the missing index was not rewritten: %v", err)
	}
}

func TestRecoveryRefusesDamagedSealedSegment(t *testing.T) {
	for _, how := range []string{"index rebuild", "unclean shutdown"} {
		t.Run(how, func(t *testing.T) {
			dir := t.TempDir()
			cfg := Config{SegmentBytes: 2000}
			l := mustOpen(t, dir, cfg)
			fill(t, l, 30, 3, 40)
			l.Close()
			segs, _ := filepath.Glob(filepath.Join(dir, "*.log"))
			victim := segs[1]
			f, _ := os.OpenFile(victim, os.O_RDWR, 0)
			f.WriteAt([]byte{0xde, 0xad, 0xbe, 0xef}, 300)
			f.Close()
			switch how {
			case "index rebuild":
				os.Remove(strings.TrimSuffix(victim, ".log") + ".timeindex")
			case "unclean shutdown":
				os.Remove(filepath.Join(dir, cleanShutdownTag))
				os.Remove(filepath.Join(dir, recoveryFile))
			}
			_, err := Open(dir, cfg)
			var cf *CorruptFileError
			if !errors.Is(err, ErrCorruptLog) || !errors.As(err, &cf) || cf.Path != victim || cf.Pos > 300 {
				t.Fatalf("open: %v", err)
			}
			if !strings.Contains(err.Error(), filepath.Base(victim)) {
				t.Fatalf("the error does not name the file: %v", err)
			}
			if st, _ := os.Stat(segs[len(segs)-1]); st.Size() == 0 {
				t.Fatal("later data was dropped")
			}
		})
	}
}

func TestIdempotentProducer(t *testing.T) {
	l := mustOpen(t, t.TempDir(), Config{})
	defer l.Close()
	app := func(pid int64, epoch int16, seq int32, n int) (AppendResult, error) {
		return l.Append(makeBatch(t, idem(pid, epoch, seq, n)), AppendOptions{})
	}
	first, err := app(1, 0, 0, 5)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app(1, 0, 5, 5); err != nil {
		t.Fatal(err)
	}
	dup, err := app(1, 0, 0, 5)
	if err != nil || !dup.Duplicate || dup.BaseOffset != first.BaseOffset || dup.LastOffset != first.LastOffset {
		t.Fatalf("retry: %+v %v", dup, err)
	}
	if l.LogEndOffset() != 10 {
		t.Fatalf("a duplicate was appended: leo %d", l.LogEndOffset())
	}
	if _, err := app(1, 0, 12, 1); !errors.Is(err, ErrOutOfOrderSequence) {
		t.Fatalf("gap: %v", err)
	}
	if _, err := app(2, 0, 0, 1); err != nil {
		t.Fatalf("another producer: %v", err)
	}
	if _, err := app(1, 1, 0, 1); err != nil {
		t.Fatalf("epoch bump: %v", err)
	}
	var se *SequenceError
	if _, err := app(1, 0, 10, 1); !errors.Is(err, ErrInvalidProducerEpoch) || !errors.As(err, &se) || se.ProducerID != 1 {
		t.Fatalf("stale epoch: %v", err)
	}
	// Two batches of one producer in one append are checked in order.
	two := append(makeBatch(t, idem(3, 0, 0, 2)), makeBatch(t, idem(3, 0, 2, 2))...)
	if res, err := l.Append(two, AppendOptions{}); err != nil || res.LastOffset-res.BaseOffset != 3 {
		t.Fatalf("two batches: %+v %v", res, err)
	}
	bad := append(makeBatch(t, idem(4, 0, 0, 2)), makeBatch(t, idem(4, 0, 5, 2))...)
	leo := l.LogEndOffset()
	if _, err := l.Append(bad, AppendOptions{}); !errors.Is(err, ErrOutOfOrderSequence) || l.LogEndOffset() != leo {
		t.Fatalf("a bad second batch: %v (leo %d, was %d)", err, l.LogEndOffset(), leo)
	}
	if _, ok := l.Producer(4); ok {
		t.Fatal("a refused append left producer state")
	}
}

func TestProducerDedupeSurvivesRestart(t *testing.T) {
	for _, how := range []string{"clean", "crash", "crash after rolls", "truncation"} {
		t.Run(how, func(t *testing.T) {
			dir := t.TempDir()
			cfg := Config{SegmentBytes: 1200}
			l := mustOpen(t, dir, cfg)
			var last AppendResult
			for i := range 20 {
				var err error
				if last, err = l.Append(makeBatch(t, idem(9, 2, int32(i*4), 4)), AppendOptions{}); err != nil {
					t.Fatal(err)
				}
			}
			switch how {
			case "clean":
				l.Close()
			case "crash", "crash after rolls":
				l.flushWG.Wait()
				if how == "crash" {
					for _, p := range l.snapshotOffsets() {
						os.Remove(l.snapshotPath(p))
					}
				}
				d := crashCopy(t, dir)
				l.Close()
				dir = d
			case "truncation":
				if err := l.Truncate(60); err != nil {
					t.Fatal(err)
				}
				l.Close()
				last = AppendResult{BaseOffset: 56, LastOffset: 59}
			}
			l = mustOpen(t, dir, cfg)
			defer l.Close()
			seq := int32(last.BaseOffset)
			res, err := l.Append(makeBatch(t, idem(9, 2, seq, 4)), AppendOptions{})
			if err != nil || !res.Duplicate || res.BaseOffset != last.BaseOffset {
				t.Fatalf("retry after %s restart: %+v %v", how, res, err)
			}
			if _, err := l.Append(makeBatch(t, idem(9, 2, seq+8, 1)), AppendOptions{}); !errors.Is(err, ErrOutOfOrderSequence) {
				t.Fatalf("gap after restart: %v", err)
			}
			if res, err := l.Append(makeBatch(t, idem(9, 2, seq+4, 1)), AppendOptions{}); err != nil || res.Duplicate {
				t.Fatalf("next after restart: %+v %v", res, err)
			}
		})
	}
}

func TestRecoveryOfATornSegmentBeforeAnEmptyOne(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{SegmentBytes: 2000}
	l := mustOpen(t, dir, cfg)
	fill(t, l, 12, 3, 40)                               // several segments
	if err := l.Truncate(l.active().base); err != nil { // an empty active segment remains
		t.Fatal(err)
	}
	leo := l.LogEndOffset()
	l.Close()
	segs, _ := filepath.Glob(filepath.Join(dir, "*.log"))
	torn := segs[len(segs)-2]
	st, _ := os.Stat(torn)
	if err := os.Truncate(torn, st.Size()-10); err != nil { // the roll's data never reached the disk
		t.Fatal(err)
	}
	// ... so the background flush never advanced the recovery point past it.
	tornBase, _ := parseOffsetName(filepath.Base(torn), logSuffix)
	if err := writeOffsetFile(filepath.Join(dir, recoveryFile), tornBase); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, cleanShutdownTag))
	l = mustOpen(t, dir, cfg)
	defer l.Close()
	if l.LogEndOffset() != leo-3 || len(readAll(t, l, 0)) != int(leo/3-1) {
		t.Fatalf("leo %d, want %d", l.LogEndOffset(), leo-3)
	}
	if res, err := l.Append(makeBatch(t, plain(1, 1, 0)), AppendOptions{}); err != nil || res.BaseOffset != leo-3 {
		t.Fatalf("append after recovery: %+v %v", res, err)
	}
}
