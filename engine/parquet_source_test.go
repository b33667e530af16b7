package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/spate-io/spate/engine"
)

func writeParquet(t *testing.T, path string, schema *arrow.Schema, rows string) {
	t.Helper()
	rec, _, err := array.RecordFromJSON(memory.DefaultAllocator, schema, strings.NewReader(rows))
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Release()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := pqarrow.NewFileWriter(schema, f, parquet.NewWriterProperties(), pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestReadParquet(t *testing.T) {
	dir := t.TempDir()
	writeParquet(t, filepath.Join(dir, "out", "part-0-0-0.parquet"), clickSchema, `[{"user_id":1,"page":"/a","ts":"2024-05-17T13:45:12Z"},{"user_id":2,"page":"/b","ts":null}]`)
	writeParquet(t, filepath.Join(dir, "out", "page=x", "part-1-0-0.parquet"), clickSchema, `[{"user_id":3,"page":"/c","ts":null}]`)
	writeParquet(t, filepath.Join(dir, "out", "_spate_log", "ignored.parquet"), clickSchema, `[{"user_id":9,"page":"/z","ts":null}]`)
	mem := checkedAlloc(t)
	df := engine.NewSession("pq", engine.WithAllocator(mem)).ReadParquet(filepath.Join(dir, "out")).
		Filter(engine.Col("user_id").Gt(1)).
		Select(engine.Col("page"))
	tbl, err := df.Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	if tbl.NumRows() != 2 {
		t.Fatalf("%d rows, want 2 (the _spate_log folder is skipped)", tbl.NumRows())
	}
	if !tbl.Schema().Field(0).Equal(arrow.Field{Name: "page", Type: arrow.BinaryTypes.String, Nullable: true}) {
		t.Fatalf("schema %s", tbl.Schema())
	}
	if err := engine.NewSession("pq").ReadParquet(filepath.Join(dir, "none*.parquet")).Err(); err == nil || !strings.Contains(err.Error(), "no .parquet files") {
		t.Fatalf("got %v", err)
	}
	other := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int32}}, nil)
	writeParquet(t, filepath.Join(dir, "mixed", "b.parquet"), other, `[{"x":1}]`)
	writeParquet(t, filepath.Join(dir, "mixed", "a.parquet"), clickSchema, `[{"user_id":1,"page":"/a","ts":null}]`)
	_, err = engine.NewSession("pq").ReadParquet(filepath.Join(dir, "mixed")).Collect(context.Background())
	if err == nil || !strings.Contains(err.Error(), "b.parquet has schema") {
		t.Fatalf("got %v", err)
	}
}
