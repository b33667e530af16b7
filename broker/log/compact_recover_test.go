package log

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// swapFixture is a partition before a compaction (its folder as a crash
// would leave it) and the files of the segment that compaction made.
type swapFixture struct {
	before     string            // the folder before the compaction
	wantBefore []consumed        // what it reads
	cleaned    map[string][]byte // suffix (".log", ".index", ".timeindex") -> bytes of the compacted segment at offset 0
	wantAfter  []consumed        // what the compacted log reads
	cfg        Config
}

func newSwapFixture(t *testing.T) swapFixture {
	t.Helper()
	dir := t.TempDir()
	small := compactCfg(1024)
	l := mustOpen(t, dir, small)
	fillKeys(t, l, 40, 6)
	if err := l.roll(l.LogEndOffset(), l.nowMs()); err != nil {
		t.Fatal(err)
	}
	appendKV(t, l, kvs(put("k1", "in the active segment")))
	if l.NumSegments() < 4 {
		t.Fatalf("only %d segments", l.NumSegments())
	}
	fx := swapFixture{wantBefore: consume(t, l), cfg: compactCfg(1 << 20)}
	l.Close()
	fx.before = crashCopy(t, dir)
	os.Remove(filepath.Join(fx.before, cleanShutdownTag))

	l = mustOpen(t, dir, fx.cfg) // large segments: one group, one cleaned segment at 0
	mustCompact(t, l)
	if l.NumSegments() != 2 {
		t.Fatalf("compaction left %d segments, want the cleaned one and the active one", l.NumSegments())
	}
	fx.wantAfter = consume(t, l)
	l.Close()
	fx.cleaned = map[string][]byte{}
	for _, suffix := range []string{logSuffix, indexSuffix, timeIndexSuffix} {
		b, err := os.ReadFile(filepath.Join(dir, offsetName(0)+suffix))
		if err != nil {
			t.Fatal(err)
		}
		fx.cleaned[suffix] = b
	}
	return fx
}

// place copies the before-folder and writes the cleaned segment's files
// into it with the given extra suffix (".cleaned" or ".swap") for each of
// the listed suffixes.
func (fx swapFixture) place(t *testing.T, extra string, suffixes ...string) string {
	t.Helper()
	dir := crashCopy(t, fx.before)
	for _, s := range suffixes {
		if err := os.WriteFile(filepath.Join(dir, offsetName(0)+s+extra), fx.cleaned[s], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// oldSegments lists the base offsets of the before-folder's sealed segments.
func (fx swapFixture) oldSegments(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(fx.before, "*"+logSuffix))
	if err != nil || len(paths) < 3 {
		t.Fatalf("segments %v %v", paths, err)
	}
	var names []string
	for _, p := range paths[:len(paths)-1] {
		names = append(names, filepath.Base(p))
	}
	return names
}

func noLeftovers(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), cleanedSuffix) || strings.HasSuffix(e.Name(), swapSuffix) || strings.HasSuffix(e.Name(), deletedSuffix) {
			t.Fatalf("%s left in the folder", e.Name())
		}
	}
}

func TestCrashDuringCompactionSwap(t *testing.T) {
	fx := newSwapFixture(t)
	all := []string{logSuffix, indexSuffix, timeIndexSuffix}
	cases := []struct {
		name  string
		setup func(t *testing.T) string
		want  []consumed
	}{
		{"cleaned files only: rolled back", func(t *testing.T) string {
			return fx.place(t, cleanedSuffix, all...)
		}, fx.wantBefore},
		{"indexes renamed to .swap, the log not yet: rolled back", func(t *testing.T) string {
			dir := fx.place(t, swapSuffix, indexSuffix, timeIndexSuffix)
			os.WriteFile(filepath.Join(dir, offsetName(0)+logSuffix+cleanedSuffix), fx.cleaned[logSuffix], 0o644)
			return dir
		}, fx.wantBefore},
		{"committed, nothing replaced yet: completed", func(t *testing.T) string {
			return fx.place(t, swapSuffix, all...)
		}, fx.wantAfter},
		{"committed, old segments half deleted: completed", func(t *testing.T) string {
			dir := fx.place(t, swapSuffix, all...)
			old := fx.oldSegments(t)
			os.Rename(filepath.Join(dir, old[0]), filepath.Join(dir, old[0]+deletedSuffix))
			os.Remove(filepath.Join(dir, old[1]))
			os.Remove(filepath.Join(dir, strings.TrimSuffix(old[1], logSuffix)+indexSuffix))
			return dir
		}, fx.wantAfter},
		{"committed, indexes already in place: completed", func(t *testing.T) string {
			dir := fx.place(t, swapSuffix, logSuffix)
			for _, s := range []string{indexSuffix, timeIndexSuffix} {
				os.WriteFile(filepath.Join(dir, offsetName(0)+s), fx.cleaned[s], 0o644)
			}
			for _, old := range fx.oldSegments(t) {
				os.Rename(filepath.Join(dir, old), filepath.Join(dir, old+deletedSuffix))
			}
			return dir
		}, fx.wantAfter},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := tc.setup(t)
			l := mustOpen(t, dir, fx.cfg)
			sameRecords(t, consume(t, l), tc.want)
			noLeftovers(t, dir)
			// The recovered log keeps working: append, compact, reopen.
			appendKV(t, l, kvs(put("k2", "after recovery")))
			mustCompact(t, l)
			got := consume(t, l)
			l.Close()
			l = mustOpen(t, dir, fx.cfg)
			defer l.Close()
			sameRecords(t, consume(t, l), got)
		})
	}
}

func TestCrashDuringCompactionSwapRefusesADamagedSwap(t *testing.T) {
	fx := newSwapFixture(t)
	dir := fx.place(t, swapSuffix, logSuffix, indexSuffix, timeIndexSuffix)
	p := filepath.Join(dir, offsetName(0)+logSuffix+swapSuffix)
	b, _ := os.ReadFile(p)
	b[len(b)-1] ^= 0xff // inside the last record, under the CRC
	os.WriteFile(p, b, 0o644)
	_, err := Open(dir, fx.cfg, WithLogger(discardLogger))
	var cf *CorruptFileError
	if !errors.Is(err, ErrCorruptLog) || !errors.As(err, &cf) || !strings.HasSuffix(cf.Path, swapSuffix) {
		t.Fatalf("opening with a damaged swap file: %v", err)
	}
}
