package parquet

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spate-io/spate/engine"
)

// rowsSchema covers the types a Kafka-fed query writes: binary, string,
// int32, int64, timestamps in ms and us (UTC), bool, float64, a struct and
// a list, with nulls in the nullable ones.
var rowsSchema = arrow.NewSchema([]arrow.Field{
	{Name: "key", Type: arrow.BinaryTypes.Binary, Nullable: true},
	{Name: "value", Type: arrow.BinaryTypes.Binary, Nullable: true},
	{Name: "topic", Type: arrow.BinaryTypes.String},
	{Name: "partition", Type: arrow.PrimitiveTypes.Int32},
	{Name: "offset", Type: arrow.PrimitiveTypes.Int64},
	{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}},
	{Name: "ts_us", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, Nullable: true},
	{Name: "flag", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	{Name: "score", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "page", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "meta", Type: arrow.StructOf(
		arrow.Field{Name: "a", Type: arrow.PrimitiveTypes.Int64},
		arrow.Field{Name: "b", Type: arrow.BinaryTypes.String, Nullable: true},
	), Nullable: true},
	{Name: "tags", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
}, nil)

// baseTime is the timestamp of row 0; row i is i ms later.
var baseTime = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

// pages are the values of the page column; nil is a null, "" an empty
// string, the rest need escaping in a folder name.
var pages = []*string{str("home"), str("a/b=c"), nil, str(""), str("50%: ok?"), str("ünï #1")}

func str(s string) *string { return &s }

// buildRows makes rows [from, from+n) of rowsSchema; every value is a
// function of the row number, so tests can check any row.
func buildRows(mem memory.Allocator, from, n int) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, rowsSchema)
	defer b.Release()
	for i := from; i < from+n; i++ {
		appendRow(b, i)
	}
	return b.NewRecordBatch()
}

func appendRow(b *array.RecordBuilder, i int) {
	if i%7 == 3 {
		b.Field(0).AppendNull()
	} else {
		b.Field(0).(*array.BinaryBuilder).Append([]byte(fmt.Sprintf("k%d", i%100)))
	}
	b.Field(1).(*array.BinaryBuilder).Append([]byte(fmt.Sprintf(`{"user":%d,"page":"p%d","amount":%d.%02d}`, i*31%1000, i%50, i%997, i%100)))
	b.Field(2).(*array.StringBuilder).Append("clicks")
	b.Field(3).(*array.Int32Builder).Append(int32(i % 3))
	b.Field(4).(*array.Int64Builder).Append(int64(i))
	b.Field(5).(*array.TimestampBuilder).Append(arrow.Timestamp(baseTime.UnixMilli() + int64(i)))
	if i%5 == 0 {
		b.Field(6).AppendNull()
	} else {
		b.Field(6).(*array.TimestampBuilder).Append(arrow.Timestamp(baseTime.UnixMicro() + int64(i)*1001))
	}
	if i%4 == 1 {
		b.Field(7).AppendNull()
	} else {
		b.Field(7).(*array.BooleanBuilder).Append(i%2 == 0)
	}
	if i%6 == 2 {
		b.Field(8).AppendNull()
	} else {
		b.Field(8).(*array.Float64Builder).Append(float64(i) * 0.25)
	}
	if p := pages[i%len(pages)]; p == nil {
		b.Field(9).AppendNull()
	} else {
		b.Field(9).(*array.StringBuilder).Append(*p)
	}
	sb := b.Field(10).(*array.StructBuilder)
	if i%9 == 4 {
		sb.AppendNull()
	} else {
		sb.Append(true)
		sb.FieldBuilder(0).(*array.Int64Builder).Append(int64(i) * 10)
		if i%2 == 0 {
			sb.FieldBuilder(1).AppendNull()
		} else {
			sb.FieldBuilder(1).(*array.StringBuilder).Append(fmt.Sprintf("b%d", i))
		}
	}
	lb := b.Field(11).(*array.ListBuilder)
	if i%8 == 5 {
		lb.AppendNull()
	} else {
		lb.Append(true)
		for j := 0; j < i%3; j++ {
			lb.ValueBuilder().(*array.StringBuilder).Append(fmt.Sprintf("t%d", j))
		}
	}
}

// testAllocator is a checked allocator that fails the test if anything is
// still allocated when the test ends.
func testAllocator(t testing.TB) memory.Allocator {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}

// writeTask runs one task of a batch: the records, cut into chunks of
// chunk rows, written then committed.
func writeTask(t testing.TB, s *FileSink, batch int64, task int, mem memory.Allocator, from, n, chunk int) json.RawMessage {
	t.Helper()
	msg, err := runTask(s, batch, task, mem, from, n, chunk)
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

// runTask is writeTask for any goroutine: it returns the error.
func runTask(s *FileSink, batch int64, task int, mem memory.Allocator, from, n, chunk int) (json.RawMessage, error) {
	ctx := context.Background()
	w, err := s.NewTaskWriter(ctx, engine.TaskInfo{QueryID: "q", BatchID: batch, TaskID: task}, rowsSchema)
	if err != nil {
		return nil, fmt.Errorf("NewTaskWriter: %w", err)
	}
	for off := from; off < from+n; off += chunk {
		rec := buildRows(mem, off, min(chunk, from+n-off))
		err := w.Write(ctx, rec)
		rec.Release()
		if err != nil {
			w.Abort(ctx)
			return nil, fmt.Errorf("Write: %w", err)
		}
	}
	msg, err := w.Commit(ctx)
	if err != nil {
		w.Abort(ctx)
		return nil, fmt.Errorf("Commit: %w", err)
	}
	return msg, nil
}

// commitBatch writes a batch of tasks (task i gets rows [from_i, from_i+n))
// and commits it.
func commitBatch(t testing.TB, s *FileSink, batch int64, mem memory.Allocator, tasks [][2]int, chunk int) {
	t.Helper()
	var msgs []json.RawMessage
	for i, r := range tasks {
		msgs = append(msgs, writeTask(t, s, batch, i, mem, r[0], r[1], chunk))
	}
	if err := s.CommitBatch(context.Background(), batch, msgs); err != nil {
		t.Fatalf("CommitBatch(%d): %v", batch, err)
	}
}

// tree lists every file under root (relative, slash separated) with its
// bytes.
func tree(t testing.TB, root string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out[filepath.ToSlash(rel)] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// parquetFiles is the sorted .parquet paths of a tree, as a glob reader
// would find them.
func parquetFiles(files map[string][]byte) []string {
	var out []string
	for p := range files {
		if filepath.Ext(p) == ".parquet" {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

func taskInfo(batch int64, task int) engine.TaskInfo {
	return engine.TaskInfo{QueryID: "q", BatchID: batch, TaskID: task}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
