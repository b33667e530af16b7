package parquet

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/spate-io/spate/internal/parquetlog"
)

// canWrite probes whether this process can create a file in dir; as root,
// chmod does not stop it.
func canWrite(dir string) bool {
	f, err := os.CreateTemp(dir, "probe-*")
	if err != nil {
		return false
	}
	f.Close()
	os.Remove(f.Name())
	return true
}

func TestUnwritableFolderFailsWithPathAndOSError(t *testing.T) {
	parent := t.TempDir()
	if err := os.Chmod(parent, 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(parent, 0o700)
	if canWrite(parent) {
		t.Skip("chmod 0500 does not stop this process from writing (running as root)")
	}
	root := filepath.Join(parent, "out")
	_, err := Sink(root).NewTaskWriter(context.Background(), taskInfo(0, 0), rowsSchema)
	if err == nil || !strings.Contains(err.Error(), "parquet: cannot write to output folder "+root) || !errors.Is(err, os.ErrPermission) {
		t.Fatalf("got %v, want the output folder and permission denied", err)
	}
}

func TestOutputPathThatIsAFileFails(t *testing.T) {
	// Unlike chmod, a file in the way stops root too.
	root := filepath.Join(t.TempDir(), "out")
	mustWrite(t, root, "not a folder")
	_, err := Sink(root).NewTaskWriter(context.Background(), taskInfo(0, 0), rowsSchema)
	if err == nil || !strings.Contains(err.Error(), "parquet: cannot write to output folder "+root) || !errors.Is(err, syscall.ENOTDIR) {
		t.Fatalf("got %v, want the output folder and ENOTDIR", err)
	}
}

func TestUnwritableLogCommitsNothing(t *testing.T) {
	dir := t.TempDir()
	mem := testAllocator(t)
	s := Sink(dir).Allocator(mem)
	msg := writeTask(t, s, 0, 0, mem, 0, 10, 10)
	mustWrite(t, parquetlog.Dir(dir), "a file where the log folder goes")
	err := s.CommitBatch(context.Background(), 0, []json.RawMessage{msg})
	if err == nil || !strings.Contains(err.Error(), "parquet: cannot write to output folder "+dir) {
		t.Fatalf("got %v", err)
	}
	mustRemove(t, parquetlog.Dir(dir))
	if _, err := CommittedFiles(dir); !errors.Is(err, ErrNoLog) {
		t.Fatalf("a failed commit left a log: %v", err)
	}
}

// withTSAsString is rowsSchema with ts changed to a string.
func withTSAsString() *arrow.Schema {
	fields := rowsSchema.Fields()
	fields[5] = arrow.Field{Name: "ts", Type: arrow.BinaryTypes.String}
	return arrow.NewSchema(fields, nil)
}

func TestSchemaChangeBetweenBatchesIsRefused(t *testing.T) {
	dir := t.TempDir()
	mem := testAllocator(t)
	s := Sink(dir).Allocator(mem)
	commitBatch(t, s, 0, mem, [][2]int{{0, 10}}, 10)
	want := "parquet: schema mismatch in column ts: got utf8, want timestamp[ms, tz=UTC]"

	// A task of the next batch fails before writing anything.
	_, err := s.NewTaskWriter(context.Background(), taskInfo(1, 0), withTSAsString())
	if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "write to a new path") {
		t.Fatalf("NewTaskWriter: %v, want %q", err, want)
	}

	// A task that started before batch 0 was committed is caught at commit,
	// and its files are removed.
	other := Sink(t.TempDir()).Allocator(mem)
	w, err := other.NewTaskWriter(context.Background(), taskInfo(1, 0), withTSAsString())
	if err != nil {
		t.Fatal(err)
	}
	rec := stringTSRecord(t, withTSAsString())
	defer rec.Release()
	if err := w.Write(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
	msg, err := w.Commit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var c taskCommit
	json.Unmarshal(msg, &c)
	mustWrite(t, filepath.Join(dir, c.Files[0].Path), "bytes of a file of the other schema")
	err = s.CommitBatch(context.Background(), 1, []json.RawMessage{msg})
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("CommitBatch: %v, want %q", err, want)
	}
	if _, err := os.Stat(filepath.Join(dir, c.Files[0].Path)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the refused batch's file is still there: %v", err)
	}
	if l, _ := ReadLog(dir); l.LatestBatch != 0 {
		t.Errorf("latest batch %d after a refused commit, want 0", l.LatestBatch)
	}
}

func stringTSRecord(t testing.TB, schema *arrow.Schema) arrow.RecordBatch {
	rec := buildRows(testAllocator(t), 0, 5)
	defer rec.Release()
	cols := append([]arrow.Array(nil), rec.Columns()...)
	b := array.NewStringBuilder(testAllocator(t))
	defer b.Release()
	for i := 0; i < 5; i++ {
		b.Append("2024-03-01")
	}
	cols[5] = b.NewArray()
	defer cols[5].Release()
	return array.NewRecordBatch(schema, cols, 5)
}

func TestWriteRejectsRecordsOfAnotherSchema(t *testing.T) {
	mem := testAllocator(t)
	w, err := Sink(t.TempDir()).Allocator(mem).NewTaskWriter(context.Background(), taskInfo(0, 0), rowsSchema)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort(context.Background())
	rec := stringTSRecord(t, withTSAsString())
	defer rec.Release()
	err = w.Write(context.Background(), rec)
	if err == nil || !strings.Contains(err.Error(), "schema mismatch in column ts: got utf8, want timestamp[ms, tz=UTC]") {
		t.Fatalf("got %v", err)
	}
}

func TestPartitioningChangeIsRefused(t *testing.T) {
	dir := t.TempDir()
	mem := testAllocator(t)
	commitBatch(t, Sink(dir).Allocator(mem), 0, mem, [][2]int{{0, 10}}, 10)
	_, err := Sink(dir).PartitionBy("topic").NewTaskWriter(context.Background(), taskInfo(1, 0), rowsSchema)
	if err == nil || !strings.Contains(err.Error(), "is partitioned by [], the query by [topic]; write to a new path") {
		t.Fatalf("got %v", err)
	}
}

func TestBadCommitMessagesAreRefused(t *testing.T) {
	dir := t.TempDir()
	mem := testAllocator(t)
	s := Sink(dir).Allocator(mem)
	good := writeTask(t, s, 0, 0, mem, 0, 10, 10)
	for _, tc := range []struct {
		msgs []json.RawMessage
		want string
	}{
		{[]json.RawMessage{json.RawMessage(`{`)}, "parquet: task commit message is not valid JSON"},
		{[]json.RawMessage{json.RawMessage(`{"version":2}`)}, "task commit message version 2 is not supported"},
		{[]json.RawMessage{good, good}, "task 0 committed twice"},
		{[]json.RawMessage{json.RawMessage(strings.Replace(string(good), "part-00000-00000-000.parquet", "../x/part-00000-00000-000.parquet", 1))}, "bad file entry"},
	} {
		err := s.CommitBatch(context.Background(), 0, tc.msgs)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v, want %q", err, tc.want)
		}
	}
	if err := s.CommitBatch(context.Background(), 1, []json.RawMessage{good}); err == nil || !strings.Contains(err.Error(), "message of batch 0 task 0 passed to the commit of batch 1") {
		t.Errorf("message of another batch: %v", err)
	}
}

func TestWriteRejectsNullsInNotNullColumns(t *testing.T) {
	mem := testAllocator(t)
	w, err := Sink(t.TempDir()).Allocator(mem).NewTaskWriter(context.Background(), taskInfo(0, 0), rowsSchema)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort(context.Background())
	rec := buildRows(mem, 0, 5)
	defer rec.Release()
	fields := rowsSchema.Fields()
	fields[2].Nullable = true
	cols := append([]arrow.Array(nil), rec.Columns()...)
	b := array.NewStringBuilder(mem)
	defer b.Release()
	b.AppendValues([]string{"a", "b"}, nil)
	b.AppendNulls(3)
	cols[2] = b.NewArray()
	defer cols[2].Release()
	bad := array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, 5)
	defer bad.Release()
	err = w.Write(context.Background(), bad)
	if err == nil || !strings.Contains(err.Error(), "parquet: column topic is declared not null but a record holds 3 nulls in it") {
		t.Fatalf("got %v", err)
	}
}
