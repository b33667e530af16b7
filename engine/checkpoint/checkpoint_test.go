package checkpoint

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestRecoverFollowsTheProtocol(t *testing.T) {
	dir := t.TempDir()
	c := mustOpen(t, dir)
	rec, err := c.Recover()
	if err != nil || rec.Action != Fresh || rec.NextBatchID != 0 {
		t.Fatalf("new checkpoint: Recover = %+v, %v; want fresh", rec, err)
	}

	writeBatches(t, c, 3)
	if err := c.WriteOffsets(testPlan(3, 30)); err != nil {
		t.Fatal(err)
	}
	// Planned, not committed: rerun exactly the recorded plan.
	rec, err = mustOpen(t, dir).Recover()
	if err != nil || rec.Action != Rerun || rec.NextBatchID != 3 || !reflect.DeepEqual(rec.Plan, testPlan(3, 30)) {
		t.Fatalf("Recover = %+v, %v; want rerun of batch 3 as recorded", rec, err)
	}
	if !rec.HasCommit || rec.Commit.NextBatchWatermarkMs != 3000 {
		t.Fatalf("Recover commit = %+v (has %v); want batch 2's", rec.Commit, rec.HasCommit)
	}

	if err := c.WriteCommit(3, CommitInfo{NextBatchWatermarkMs: 4000, Extra: map[string]json.RawMessage{"sinkManifest": json.RawMessage(`"_spate_log/3.json"`)}}); err != nil {
		t.Fatal(err)
	}
	// Committed: continue with batch 4 from batch 3's end.
	rec, err = mustOpen(t, dir).Recover()
	if err != nil || rec.Action != Continue || rec.NextBatchID != 4 {
		t.Fatalf("Recover = %+v, %v; want continue with batch 4", rec, err)
	}
	if end, _ := rec.Plan.Sources[0].End.Get("clicks", 0); end != 40 {
		t.Fatalf("batch 4 starts at %d, want 40", end)
	}
	if string(rec.Commit.Extra["sinkManifest"]) != `"_spate_log/3.json"` || rec.Commit.NextBatchWatermarkMs != 4000 {
		t.Fatalf("commit info = %+v", rec.Commit)
	}
}

func TestFirstBatchPlannedNotCommitted(t *testing.T) {
	dir := t.TempDir()
	if err := mustOpen(t, dir).WriteOffsets(testPlan(0, 0)); err != nil {
		t.Fatal(err)
	}
	rec, err := mustOpen(t, dir).Recover()
	if err != nil || rec.Action != Rerun || rec.NextBatchID != 0 || rec.HasCommit {
		t.Fatalf("Recover = %+v, %v; want rerun of batch 0 without commit", rec, err)
	}
}

func TestBatchesGoInOrderAndOnce(t *testing.T) {
	c := mustOpen(t, t.TempDir())
	tests := []struct {
		name string
		do   func() error
		want string
	}{
		{"first batch is 0", func() error { return c.WriteOffsets(testPlan(1, 0)) }, "a new checkpoint starts at batch 0"},
		{"commit before plan", func() error { return c.WriteCommit(0, CommitInfo{}) }, "no batch is planned"},
		{"plan 0", func() error { return c.WriteOffsets(testPlan(0, 0)) }, ""},
		{"plan 0 again", func() error { return c.WriteOffsets(testPlan(0, 0)) }, "already exists: is another run"},
		{"plan 1 before commit 0", func() error { return c.WriteOffsets(testPlan(1, 10)) }, "batch 0 is not committed"},
		{"commit the wrong batch", func() error { return c.WriteCommit(1, CommitInfo{}) }, "not the latest planned batch (0)"},
		{"commit 0", func() error { return c.WriteCommit(0, CommitInfo{}) }, ""},
		{"commit 0 again", func() error { return c.WriteCommit(0, CommitInfo{}) }, "already exists: is another run"},
		{"skip a batch", func() error { return c.WriteOffsets(testPlan(2, 10)) }, "the latest batch is 0"},
		{"invalid plan", func() error { p := testPlan(1, 10); p.Tasks[0].ID = 5; return c.WriteOffsets(p) }, "refusing to write an invalid plan: task 0 has id 5"},
		{"plan 1", func() error { return c.WriteOffsets(testPlan(1, 10)) }, ""},
	}
	for _, tt := range tests {
		err := tt.do()
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Fatalf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestOpenRefusesAnotherQuery(t *testing.T) {
	dir := t.TempDir()
	mustOpen(t, dir)
	other := testMeta
	other.ID, other.Name = "11111111-2222-4333-8444-555555555555", "orders"
	_, err := Open(dir, other, nil)
	var mm *MismatchError
	if !errors.As(err, &mm) || !errors.Is(err, ErrOtherQuery) {
		t.Fatalf("Open with another id: %v, want a *MismatchError", err)
	}
	for _, want := range []string{filepath.Join(dir, "metadata"), testMeta.ID, other.ID, `"clicks-per-minute"`, `"orders"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}

	changed := testMeta
	changed.PlanHash = "def456"
	_, err = Open(dir, changed, nil)
	if !errors.Is(err, ErrOtherQuery) || !strings.Contains(err.Error(), "abc123") || !strings.Contains(err.Error(), "def456") {
		t.Fatalf("Open with another plan hash: %v, want both hashes named", err)
	}
}

func TestOpenAdoptsOrMakesTheID(t *testing.T) {
	dir := t.TempDir()
	c, err := Open(dir, Metadata{Name: "q"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	id := c.Metadata().ID
	if len(id) != 36 || id[14] != '4' {
		t.Fatalf("new id %q is not a version 4 UUID", id)
	}
	c, err = Open(dir, Metadata{Name: "renamed"}, nil)
	if err != nil || c.Metadata().ID != id {
		t.Fatalf("reopen without id: %+v, %v; want id %s", c.Metadata(), err, id)
	}
	if _, err := Open(dir, Metadata{ID: id}, nil); err != nil {
		t.Fatalf("reopen with the id: %v", err)
	}
}

func TestPlanJSONIsKeptAsSubmitted(t *testing.T) {
	dir := t.TempDir()
	c := mustOpen(t, dir)
	got, err := c.Plan()
	if err != nil || string(got) != string(testPlanJSON) {
		t.Fatalf("Plan() = %q, %v", got, err)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, "plan.json"))
	if string(raw) != string(testPlanJSON) {
		t.Fatalf("plan.json = %q, want the bytes as given", raw)
	}
	// A later open does not rewrite it.
	if _, err := Open(dir, testMeta, []byte(`{"other":true}`)); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.Plan(); string(got) != string(testPlanJSON) {
		t.Fatalf("plan.json rewritten to %q", got)
	}
}

func TestFilesStartWithAVersionLine(t *testing.T) {
	dir := t.TempDir()
	writeBatches(t, mustOpen(t, dir), 1)
	for _, name := range []string{"metadata", "offsets/0", "commits/0"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !strings.HasPrefix(string(b), "v1\n{") {
			t.Errorf("%s = %q, %v; want v1 then JSON", name, b, err)
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "commits/0"))
	if string(b) != "v1\n{\"batchId\":0,\"nextBatchWatermarkMs\":1000}\n" {
		t.Errorf("commits/0 = %q", b)
	}
}

func TestReadMissingBatch(t *testing.T) {
	c := mustOpen(t, t.TempDir())
	_, err := c.ReadOffsets(7)
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), filepath.Join("offsets", "7")) {
		t.Fatalf("ReadOffsets(7) = %v, want not-exist naming offsets/7", err)
	}
	if _, ok, err := c.LatestOffsets(); ok || err != nil {
		t.Fatalf("LatestOffsets on a new checkpoint: %v, %v", ok, err)
	}
	if _, ok, err := c.LatestCommit(); ok || err != nil {
		t.Fatalf("LatestCommit on a new checkpoint: %v, %v", ok, err)
	}
}

func TestPurge(t *testing.T) {
	dir := t.TempDir()
	c := mustOpen(t, dir)
	writeBatches(t, c, 10)
	if err := c.WriteOffsets(testPlan(10, 100)); err != nil {
		t.Fatal(err)
	}
	if err := c.Purge(4); err != nil {
		t.Fatal(err)
	}
	assertIDs(t, c, offsetsDir, 7, 8, 9, 10)
	assertIDs(t, c, commitsDir, 7, 8, 9)

	// Retaining one batch still keeps the latest commit Recover needs.
	if err := c.Purge(1); err != nil {
		t.Fatal(err)
	}
	assertIDs(t, c, offsetsDir, 9, 10)
	assertIDs(t, c, commitsDir, 9)
	if rec, err := c.Recover(); err != nil || rec.Action != Rerun || rec.NextBatchID != 10 {
		t.Fatalf("Recover after purge = %+v, %v", rec, err)
	}

	if err := c.Purge(-1); err == nil || !strings.Contains(err.Error(), "minBatchesToRetain is -1") {
		t.Fatalf("Purge(-1) = %v", err)
	}
	if err := c.Purge(0); err != nil { // the default, 100, keeps everything here
		t.Fatal(err)
	}
	assertIDs(t, c, offsetsDir, 9, 10)
}

func assertIDs(t *testing.T, c *Checkpoint, dir string, want ...int64) {
	t.Helper()
	got, err := batchIDs(c.fs, dir)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("%s holds %v (%v), want %v", dir, got, err, want)
	}
}
