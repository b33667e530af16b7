package parquet

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spate-io/spate/internal/parquetlog"
)

// fixedClock makes commit times, and so manifests, reproducible.
func fixedClock(s *FileSink) *FileSink {
	s.now = func() time.Time { return baseTime }
	return s
}

func replaySink(dir string) *FileSink {
	return fixedClock(Sink(dir).PartitionBy("partition").MaxFileRows(400))
}

func TestReplayedBatchLeavesTheSameFiles(t *testing.T) {
	for _, crash := range []string{"before the manifest", "after the manifest"} {
		t.Run(crash, func(t *testing.T) {
			dir := t.TempDir()
			mem := testAllocator(t)
			s := replaySink(dir).Allocator(mem)
			commitBatch(t, s, 0, mem, [][2]int{{0, 1000}, {1000, 700}}, 256)
			commitBatch(t, s, 1, mem, [][2]int{{1700, 900}, {2600, 1300}}, 256)
			want := tree(t, dir)

			// The state a crash leaves: some of batch 1's files gone, temp files
			// and an unparsable intent record of a dead attempt, a file an
			// earlier attempt published under another task number, and a temp
			// manifest.
			for _, p := range []string{"partition=0/part-00001-00000-000.parquet", "partition=2/part-00001-00001-001.parquet"} {
				mustRemove(t, filepath.Join(dir, p))
			}
			staging := stagingDir(dir, 1)
			mustWrite(t, filepath.Join(staging, "task-00000-a0-123.parquet.tmp"), "PAR1 half a file")
			mustWrite(t, filepath.Join(staging, "task-00001-a0-9"+intentSuffix), `{"version":1,"batchId":1,"ta`)
			stale := "partition=1/part-00001-00007-000.parquet"
			mustWrite(t, filepath.Join(dir, stale), "PAR1 stale")
			intent, _ := json.Marshal(taskCommit{Version: 1, BatchID: 1, TaskID: 7, PartitionBy: []string{"partition"},
				Files: []parquetlog.FileEntry{{Path: stale, Rows: 1, Bytes: 10, Partition: []PartitionValue{{Column: "partition", Value: str("1")}}}}})
			mustWrite(t, filepath.Join(staging, "task-00007-a1-5"+intentSuffix), string(intent))
			mustWrite(t, filepath.Join(parquetlog.Dir(dir), ".1.json.tmp-77"), "{")
			if crash == "before the manifest" {
				mustRemove(t, parquetlog.Path(dir, 1, false))
			}

			// A restarted driver replays batch 1 with the same rows, cut
			// into other records.
			s2 := replaySink(dir).Allocator(mem)
			commitBatch(t, s2, 1, mem, [][2]int{{1700, 900}, {2600, 1300}}, 1000)
			compareTrees(t, tree(t, dir), want)
			checkRows(t, readCommitted(t, dir), 3900)
		})
	}
}

func TestReplayWithOtherOutputReplacesTheLatestBatch(t *testing.T) {
	dir := t.TempDir()
	mem := testAllocator(t)
	s := Sink(dir).Allocator(mem).MaxFileRows(400)
	commitBatch(t, s, 0, mem, [][2]int{{0, 100}}, 100)
	commitBatch(t, s, 1, mem, [][2]int{{100, 1000}}, 100) // three files
	// The replay produces fewer rows (a nondeterministic upstream): one file.
	commitBatch(t, s, 1, mem, [][2]int{{100, 300}}, 100)
	got := parquetFiles(tree(t, dir))
	want := []string{"part-00000-00000-000.parquet", "part-00001-00000-000.parquet"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("files %v, want %v", got, want)
	}
	checkRows(t, readCommitted(t, dir), 400)
}

func TestCommitBatchIsIdempotent(t *testing.T) {
	dir := t.TempDir()
	mem := testAllocator(t)
	s := Sink(dir).Allocator(mem).ManifestCompactInterval(2)
	ctx := context.Background()
	msg0 := writeTask(t, s, 0, 0, mem, 0, 50, 50)
	msg1 := writeTask(t, s, 1, 0, mem, 50, 50, 50)
	for i := 0; i < 2; i++ {
		if err := s.CommitBatch(ctx, 0, []json.RawMessage{msg0}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CommitBatch(ctx, 1, []json.RawMessage{msg1}); err != nil {
		t.Fatal(err)
	}
	want := tree(t, dir)
	s.now = func() time.Time { return time.Now().Add(time.Hour) } // a rewrite would show
	for _, b := range []struct {
		id  int64
		msg json.RawMessage
	}{{1, msg1}, {0, msg0}, {1, msg1}} {
		if err := s.CommitBatch(ctx, b.id, []json.RawMessage{b.msg}); err != nil {
			t.Fatalf("commit batch %d again: %v", b.id, err)
		}
	}
	compareTrees(t, tree(t, dir), want)
	checkRows(t, readCommitted(t, dir), 100)
}

func TestCommitBatchRefusesGapsAndRewritingHistory(t *testing.T) {
	dir := t.TempDir()
	mem := testAllocator(t)
	s := Sink(dir).Allocator(mem)
	ctx := context.Background()
	commitBatch(t, s, 0, mem, [][2]int{{0, 10}}, 10)
	commitBatch(t, s, 1, mem, [][2]int{{10, 10}}, 10)
	err := s.CommitBatch(ctx, 5, nil)
	if err == nil || !strings.Contains(err.Error(), "parquet: batch 5 would follow batch 1; batches 2 to 4 were never committed") {
		t.Errorf("gap: %v", err)
	}
	other := writeTask(t, s, 0, 3, mem, 500, 10, 10)
	err = s.CommitBatch(ctx, 0, []json.RawMessage{other})
	if err == nil || !strings.Contains(err.Error(), "batch 0 is committed under") {
		t.Errorf("rewrite batch 0: %v", err)
	}
}

func mustRemove(t testing.TB, p string) {
	t.Helper()
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
}

func mustWrite(t testing.TB, p, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
