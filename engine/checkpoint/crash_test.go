package checkpoint

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/spate-io/spate/engine/batch"
)

// crashAt says how an injected crash strikes a write.
type crashAt int

const (
	crashBefore   crashAt = iota // before the write: nothing on disk
	crashMidWrite                // inside the write: a torn temporary file is left
	crashAfter                   // after the write, before the caller hears of it
)

var errCrash = errors.New("injected crash")

// crashFS is the real local FS with a crash injected at write number n:
// from then on, like a dead process, it does nothing.
type crashFS struct {
	*Local
	writesLeft int
	at         crashAt
	dead       bool
}

func (c *crashFS) WriteFile(name string, data []byte, exclusive bool) error {
	if c.dead {
		return errCrash
	}
	if c.writesLeft > 0 {
		c.writesLeft--
		return c.Local.WriteFile(name, data, exclusive)
	}
	c.dead = true
	switch c.at {
	case crashMidWrite:
		dir, base := filepath.Split(c.Path(name))
		_ = os.MkdirAll(dir, 0o755)
		_ = os.WriteFile(filepath.Join(dir, "."+base+".0badc0de.tmp"), data[:len(data)/2], 0o644)
	case crashAfter:
		_ = c.Local.WriteFile(name, data, exclusive)
	}
	return errCrash
}

func (c *crashFS) Remove(name string) error {
	if c.dead {
		return errCrash
	}
	return c.Local.Remove(name)
}

// loopRecord is what a model of the engine's loop saw across runs: the
// plan first recorded for each batch, and the batches the sink committed.
type loopRecord struct {
	planned   map[int64]batch.Plan
	committed map[int64]int // sink commits per batch (idempotent, may repeat)
}

// runLoop is the micro-batch protocol as doc.go states it, over a source
// that always has 10 more offsets, until batch `until` is committed or a
// step fails.
func runLoop(fsys FS, until int64, rec *loopRecord) error {
	c, err := OpenFS(fsys, testMeta, testPlanJSON)
	if err != nil {
		return err
	}
	r, err := c.Recover()
	if err != nil {
		return err
	}
	next, start := int64(0), int64(0)
	switch r.Action {
	case Rerun:
		if err := rec.rerun(r.Plan); err != nil {
			return err
		}
		if err := commitBatch(c, r.Plan, rec); err != nil {
			return err
		}
		next, start = r.Plan.ID+1, endOf(r.Plan)
	case Continue:
		next, start = r.NextBatchID, endOf(r.Plan)
	}
	for ; next < until; next++ {
		p := testPlan(next, start)
		if err := c.WriteOffsets(p); err != nil {
			return err
		}
		rec.planned[p.ID] = p
		if err := commitBatch(c, p, rec); err != nil {
			return err
		}
		start = endOf(p)
	}
	return nil
}

func commitBatch(c *Checkpoint, p batch.Plan, rec *loopRecord) error {
	rec.committed[p.ID]++ // the sink's commit, before commits/N
	if err := c.WriteCommit(p.ID, CommitInfo{NextBatchWatermarkMs: p.Watermark + 1000}); err != nil {
		return err
	}
	return c.Purge(3)
}

// rerun checks that a batch run again is exactly the batch first planned.
func (rec *loopRecord) rerun(p batch.Plan) error {
	first, ok := rec.planned[p.ID]
	if ok && !reflect.DeepEqual(first, p) {
		return fmt.Errorf("batch %d rerun with %+v, first planned as %+v", p.ID, p, first)
	}
	if !ok {
		rec.planned[p.ID] = p // planned by a write that crashed after it landed
	}
	return nil
}

func endOf(p batch.Plan) int64 {
	end, _ := p.Sources[0].End.Get("clicks", 0)
	return end
}

// TestCrashAtEveryWrite crashes the loop at each of its writes, in each of
// the three ways a write can be cut, restarts it, and checks that the
// restarted query ends where an uninterrupted one does: every batch
// planned once and run again only with its recorded plan, committed, and
// reading on exactly where the previous batch ended.
func TestCrashAtEveryWrite(t *testing.T) {
	const batches = 5 // batch 3 on, Purge(3) deletes: every kind of write is crashed
	writes := countWrites(t, batches)
	for _, at := range []crashAt{crashBefore, crashMidWrite, crashAfter} {
		for n := 0; n < writes; n++ {
			t.Run(fmt.Sprintf("at%d/write%d", at, n), func(t *testing.T) {
				t.Parallel() // the writes wait on fsync more than on the CPU
				dir := t.TempDir()
				rec := &loopRecord{planned: map[int64]batch.Plan{}, committed: map[int64]int{}}
				err := runLoop(&crashFS{Local: NewLocal(dir), writesLeft: n, at: at}, batches, rec)
				if !errors.Is(err, errCrash) {
					t.Fatalf("the crashed run ended with %v, want the injected crash", err)
				}
				if err := runLoop(NewLocal(dir), batches, rec); err != nil {
					t.Fatalf("restart: %v", err)
				}
				checkFinalState(t, dir, batches, rec, 0)
			})
		}
	}
}

// countWrites runs the loop without crashes and counts its writes.
func countWrites(t *testing.T, batches int64) int {
	c := &crashFS{Local: NewLocal(t.TempDir()), writesLeft: 1 << 30}
	rec := &loopRecord{planned: map[int64]batch.Plan{}, committed: map[int64]int{}}
	if err := runLoop(c, batches, rec); err != nil {
		t.Fatal(err)
	}
	return 1<<30 - c.writesLeft
}

// checkFinalState checks that the loop ended with batches-1 committed and
// that the batches from `from` on were planned and committed as expected.
func checkFinalState(t *testing.T, dir string, batches int64, rec *loopRecord, from int64) {
	t.Helper()
	c, err := Open(dir, testMeta, testPlanJSON)
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.Recover()
	if err != nil || r.Action != Continue || r.NextBatchID != batches || endOf(r.Plan) != 10*batches {
		t.Fatalf("final Recover = %+v, %v; want continue at batch %d from offset %d", r, err, batches, 10*batches)
	}
	for id := from; id < batches; id++ {
		if rec.committed[id] == 0 {
			t.Errorf("batch %d was never committed to the sink", id)
		}
		if p := rec.planned[id]; !reflect.DeepEqual(p, testPlan(id, 10*id)) {
			t.Errorf("batch %d planned as %+v", id, p)
		}
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "offsets"))
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left after Open", e.Name())
		}
	}
}

// TestTornFilesAreRefusedByName writes the files a non-atomic writer (a
// copy tool, an editor, a disk fault) can leave, and checks that Open or
// Recover refuses each with the file named, never skipping it.
func TestTornFilesAreRefusedByName(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		content string
		want    error
	}{
		{"empty offsets", "offsets/3", "", ErrCorrupt},
		{"half-written offsets", "offsets/3", "v1\n{\"batchId\":3,\"sources\":[{\"start\":{\"clicks\":{\"0\":3", ErrCorrupt},
		{"offsets without version line", "offsets/3", "{\"batchId\":3}\n", ErrCorrupt},
		{"offsets of another batch", "offsets/3", string(mustEncode(t, testPlan(2, 20))), ErrCorrupt},
		{"offsets from the future", "offsets/3", "v2\n{\"batchId\":3}\n", ErrUnsupportedVersion},
		{"garbage offsets", "offsets/3", "\x00\x00\x00\x00\x00\x00", ErrCorrupt},
		{"offsets with trailing garbage", "offsets/3", string(mustEncode(t, testPlan(3, 30))) + "}", ErrCorrupt},
		{"half-written commit", "commits/2", "v1\n{\"batchId\":2,\"nextBatch", ErrCorrupt},
		{"commit of another batch", "commits/2", "v1\n{\"batchId\":1}\n", ErrCorrupt},
		{"commit from the future", "commits/2", "v9\n{}", ErrUnsupportedVersion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			c := mustOpen(t, dir)
			writeBatches(t, c, 3)
			if err := c.WriteOffsets(testPlan(3, 30)); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, filepath.FromSlash(tt.file))
			if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := mustOpen(t, dir).Recover()
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("Recover = %v, want %v naming %s", err, tt.want, path)
			}
		})
	}
}

func TestTornMetadataIsRefusedByName(t *testing.T) {
	for _, content := range []string{"", "v1\n{\"id\":\"6f1c", "v1\n{}\n", "v7\n{}\n", "garbage"} {
		dir := t.TempDir()
		mustOpen(t, dir)
		path := filepath.Join(dir, "metadata")
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Open(dir, testMeta, testPlanJSON)
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Fatalf("Open with metadata %q = %v, want an error naming %s", content, err, path)
		}
	}
}

// TestDamagedHistoryIsRefused removes files the protocol never removes and
// checks Recover refuses the checkpoint instead of guessing.
func TestDamagedHistoryIsRefused(t *testing.T) {
	tests := []struct {
		name   string
		remove []string
		want   string
	}{
		{"commit without offsets", []string{"offsets/3", "offsets/2"}, "commits/2 exists but"},
		{"a missing commit before the latest offsets", []string{"commits/2"}, "offsets/3 exists but"},
		{"all commits gone", []string{"commits/0", "commits/1", "commits/2"}, "offsets/3 exists but"},
		{"every offsets file gone", []string{"offsets/0", "offsets/1", "offsets/2", "offsets/3"}, "commits/2 exists but"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			c := mustOpen(t, dir)
			writeBatches(t, c, 3)
			if err := c.WriteOffsets(testPlan(3, 30)); err != nil {
				t.Fatal(err)
			}
			for _, f := range tt.remove {
				if err := os.Remove(filepath.Join(dir, f)); err != nil {
					t.Fatal(err)
				}
			}
			_, err := c.Recover()
			if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Recover = %v, want ErrDamaged with %q", err, tt.want)
			}
		})
	}
}

// TestLeftoverTempFilesAreIgnoredAndCleaned leaves what a crash inside a
// write leaves, in every folder, and checks nothing reads them and Open
// removes them.
func TestLeftoverTempFilesAreIgnoredAndCleaned(t *testing.T) {
	dir := t.TempDir()
	c := mustOpen(t, dir)
	writeBatches(t, c, 2)
	leftovers := []string{".metadata.1a2b.tmp", "offsets/.2.3c4d.tmp", "commits/.2.5e6f.tmp", "offsets/.3.0000.tmp"}
	for _, f := range leftovers {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("v1\n{\"batchId\":2,\"sour"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ids, err := batchIDs(c.fs, offsetsDir)
	if err != nil || !reflect.DeepEqual(ids, []int64{0, 1}) {
		t.Fatalf("offsets ids with temp files around: %v, %v", ids, err)
	}
	c = mustOpen(t, dir)
	for _, f := range leftovers {
		if _, err := os.Stat(filepath.Join(dir, f)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s not removed by Open: %v", f, err)
		}
	}
	if r, err := c.Recover(); err != nil || r.Action != Continue || r.NextBatchID != 2 {
		t.Fatalf("Recover = %+v, %v", r, err)
	}
	// Stray files that are not batches are not batches.
	_ = os.WriteFile(filepath.Join(dir, "offsets", "007"), []byte("x"), 0o644)
	_ = os.WriteFile(filepath.Join(dir, "offsets", "notes.txt"), []byte("x"), 0o644)
	if r, err := c.Recover(); err != nil || r.NextBatchID != 2 {
		t.Fatalf("Recover with stray files = %+v, %v", r, err)
	}
}

func mustEncode(t *testing.T, v any) []byte {
	t.Helper()
	b, err := encode(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
