package engine_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/spate-io/spate/engine"
	pqsink "github.com/spate-io/spate/sink/parquet"
	memsrc "github.com/spate-io/spate/source/memory"
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

func mustWriteFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// collectJSON runs df with a checked allocator and returns its schema and
// rows as sorted JSON lines.
func collectJSON(t *testing.T, df func(*engine.Session) engine.DataFrame) (*arrow.Schema, []string) {
	t.Helper()
	mem := checkedAlloc(t)
	tbl, err := df(engine.NewSession("read", engine.WithAllocator(mem))).Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	return tbl.Schema(), tableJSON(t, tbl)
}

func tableJSON(t *testing.T, tbl arrow.Table) []string {
	t.Helper()
	tr := array.NewTableReader(tbl, 1<<20)
	defer tr.Release()
	var buf bytes.Buffer
	for tr.Next() {
		if err := array.RecordToJSON(tr.RecordBatch(), &buf); err != nil {
			t.Fatal(err)
		}
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) == 1 && lines[0] == "" {
		lines = nil
	}
	slices.Sort(lines)
	return lines
}

// readErr runs ReadParquet(paths...).Collect with a checked allocator
// and returns its error, which must name want.
func readErr(t *testing.T, want string, paths ...string) {
	t.Helper()
	mem := checkedAlloc(t)
	tbl, err := engine.NewSession("read", engine.WithAllocator(mem)).ReadParquet(paths...).Collect(context.Background())
	if err == nil {
		tbl.Release()
		t.Fatalf("ReadParquet(%v) succeeded, want an error with %q", paths, want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("ReadParquet(%v) error:\n  %v\nwant it to contain %q", paths, err, want)
	}
}

func sameFields(t *testing.T, got, want *arrow.Schema) {
	t.Helper()
	if got.NumFields() != want.NumFields() {
		t.Fatalf("schema\n  %s\nwant\n  %s", got, want)
	}
	for i, f := range want.Fields() {
		g := got.Field(i)
		if g.Name != f.Name || !arrow.TypeEqual(g.Type, f.Type) || g.Nullable != f.Nullable {
			t.Fatalf("column %d is %s, want %s; schema\n  %s", i, g, f, got)
		}
	}
}

func sameRows(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("row %d:\n  %s\nwant\n  %s", i, got[i], want[i])
		}
	}
}

var saleSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "date", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	{Name: "country", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "amount", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, Nullable: true},
}, nil)

// saleRows are rows from..to of saleSchema, as JSON lines: three days, a
// null day, countries with characters partition folders escape, nulls.
func saleRows(from, to int) []string {
	countries := []string{`"US"`, `"DE"`, `"a/b=c"`, `"50%: ok?"`, `null`, `"ünï #1"`}
	var out []string
	for i := from; i < to; i++ {
		date := fmt.Sprintf(`"2026-01-0%d"`, 1+i%3)
		if i%11 == 5 {
			date = "null"
		}
		amount := fmt.Sprintf("%d.25", i)
		if i%7 == 3 {
			amount = "null"
		}
		out = append(out, fmt.Sprintf(`{"id":%d,"date":%s,"country":%s,"amount":%s,"ts":"2026-01-02T03:04:%02d.%06dZ"}`,
			i, date, countries[i%len(countries)], amount, i%60, i*37%1000000))
	}
	return out
}

// sinkOutput runs a streaming query from a memory source to the Parquet
// sink partitioned by date and country, in three batches with a
// compaction of _spate_log, and returns the output folder and the source.
func sinkOutput(t *testing.T) (string, *memsrc.Source) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "sales")
	src := memsrc.NewSource(t.Name(), saleSchema, 2)
	t.Cleanup(src.Release)
	sink := pqsink.Sink(out).PartitionBy("date", "country").MaxFileRows(7).ManifestCompactInterval(2)
	q, err := engine.NewSession("sales").ReadStream(src).WriteStream(sink).
		Checkpoint(filepath.Join(t.TempDir(), "ckpt")).Trigger(engine.ProcessingTime(0)).Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer q.Stop()
	for _, r := range [][2]int{{0, 40}, {40, 90}, {90, 130}} {
		if err := src.AddJSON(r[0]%2, saleRows(r[0], r[1])...); err != nil {
			t.Fatal(err)
		}
		if err := q.ProcessAllAvailable(ctxT(t)); err != nil {
			t.Fatal(err)
		}
	}
	if err := q.Stop(); err != nil {
		t.Fatal(err)
	}
	return out, src
}

// wantSales is what reading the sink's output gives: the source's rows,
// the partition columns last.
func wantSales(t *testing.T, src *memsrc.Source) (*arrow.Schema, []string) {
	return collectJSON(t, func(s *engine.Session) engine.DataFrame {
		return s.Read(src).Select(engine.Col("id"), engine.Col("amount"), engine.Col("ts"), engine.Col("date"), engine.Col("country"))
	})
}

func TestReadParquetSinkOutput(t *testing.T) {
	out, src := sinkOutput(t)
	wantSchema, want := wantSales(t, src)
	if len(want) != 130 {
		t.Fatalf("the source has %d rows, want 130", len(want))
	}
	schema, got := collectJSON(t, func(s *engine.Session) engine.DataFrame { return s.ReadParquet(out) })
	sameFields(t, schema, wantSchema)
	sameRows(t, got, want)

	// Exactly the files the sink's own log reader lists, in its order.
	committed, err := pqsink.CommittedFiles(out)
	if err != nil {
		t.Fatal(err)
	}
	var wantFiles []string
	for _, f := range committed {
		wantFiles = append(wantFiles, f.Path)
	}
	ps, err := engine.OpenParquet(out)
	if err != nil {
		t.Fatal(err)
	}
	if got := ps.Files(); !slices.Equal(got, wantFiles) {
		t.Fatalf("files\n  %v\nwant (parquet.CommittedFiles)\n  %v", got, wantFiles)
	}
	for _, name := range []string{"1.compact", "2.json"} {
		if _, err := os.Stat(filepath.Join(out, "_spate_log", name)); err != nil {
			t.Fatalf("want a compaction and a batch after it in the log: %v", err)
		}
	}

	// Filters and projections over the partition columns.
	_, us := collectJSON(t, func(s *engine.Session) engine.DataFrame {
		return s.ReadParquet(out).Filter(engine.Col("country").Eq(engine.Lit("a/b=c"))).Select(engine.Col("id"))
	})
	if len(us) != 22 || !slices.Contains(us, `{"id":2}`) || !slices.Contains(us, `{"id":128}`) {
		t.Fatalf("country a/b=c: %d rows %v, want the 22 ids 2, 8, ..., 128", len(us), us)
	}
}

func TestReadParquetSkipsUncommittedFiles(t *testing.T) {
	out, src := sinkOutput(t)
	_, want := wantSales(t, src)
	ctx := context.Background()

	// A task of batch 3 publishes its files, but the batch is never
	// committed (the driver died before writing _spate_log/3.json).
	rec, _, err := array.RecordFromJSON(memory.DefaultAllocator, saleSchema, strings.NewReader("["+strings.Join(saleRows(1000, 1020), ",")+"]"))
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Release()
	w, err := pqsink.Sink(out).PartitionBy("date", "country").NewTaskWriter(ctx, engine.TaskInfo{QueryName: "sales", BatchID: 3}, saleSchema)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(ctx, rec); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	// A file an earlier attempt of batch 0 published under another task
	// number, which the replayed batch did not.
	committed, err := pqsink.CommittedFiles(out)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(committed[0].Path)
	if err != nil {
		t.Fatal(err)
	}
	stray := filepath.Join(filepath.Dir(committed[0].Path), "part-00000-00042-000.parquet")
	mustWriteFile(t, stray, string(data))
	mustWriteFile(t, filepath.Join(out, "_spate_tmp", "4", "task-00000-a0-1.parquet.tmp"), "PAR1 half a file")

	all, err := filepath.Glob(filepath.Join(out, "*", "*", "*.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if len(all) <= len(committed)+1 {
		t.Fatalf("%d files on disk, %d committed: the uncommitted batch published nothing?", len(all), len(committed))
	}

	for _, path := range []string{out + "/", filepath.Join(out, "**", "*.parquet"), filepath.Join(out, "date=*"), filepath.Join(out, "*", "*")} {
		t.Run(strings.TrimPrefix(path, out), func(t *testing.T) {
			schema, got := collectJSON(t, func(s *engine.Session) engine.DataFrame { return s.ReadParquet(path) })
			sameRows(t, got, want)
			if f := schema.Field(3); f.Name != "date" || f.Type.ID() != arrow.DATE32 {
				t.Fatalf("column 3 is %s, want the date column typed as the log says", f)
			}
		})
	}
	// A partition folder read through a pattern is still under the log.
	_, day := collectJSON(t, func(s *engine.Session) engine.DataFrame {
		return s.ReadParquet(filepath.Join(out, "date=2026-01-02", "*")).Select(engine.Col("id"))
	})
	wantDay := 0
	for _, r := range want {
		if strings.Contains(r, `"date":"2026-01-02"`) {
			wantDay++
		}
	}
	if len(day) != wantDay {
		t.Fatalf("date=2026-01-02 has %d committed rows, want %d", len(day), wantDay)
	}
	readErr(t, "1 .parquet file (such as "+stray+") not committed in the sink's _spate_log", filepath.Join(filepath.Dir(stray), "part-00000-00042-*"))
	// Named directly, an uncommitted file is read: the user asked for it.
	_, named := collectJSON(t, func(s *engine.Session) engine.DataFrame { return s.ReadParquet(stray) })
	if len(named) == 0 {
		t.Fatal("the stray file named directly reads no rows")
	}
}

func TestReadParquetLogErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	if err := os.MkdirAll(filepath.Join(empty, "_spate_log"), 0o755); err != nil {
		t.Fatal(err)
	}
	readErr(t, "empty/_spate_log lists no committed file yet", empty)

	bad := filepath.Join(dir, "bad")
	mustWriteFile(t, filepath.Join(bad, "_spate_log", "0.json"), `{"version":1,"batches":[{"batchId":0,"files":[`)
	readErr(t, "bad/_spate_log/0.json is not a valid _spate_log manifest", bad)

	newer := filepath.Join(dir, "newer")
	mustWriteFile(t, filepath.Join(newer, "_spate_log", "0.json"), `{"version":2,"batches":[{"batchId":0,"files":[]}]}`)
	readErr(t, "manifest version 2 is not supported", newer)

	gap := filepath.Join(dir, "gap")
	mustWriteFile(t, filepath.Join(gap, "_spate_log", "0.json"), `{"version":1,"batches":[{"batchId":0,"files":[]}]}`)
	mustWriteFile(t, filepath.Join(gap, "_spate_log", "2.json"), `{"version":1,"batches":[{"batchId":2,"files":[]}]}`)
	readErr(t, "no manifest of batch 1", gap)

	escape := filepath.Join(dir, "escape")
	mustWriteFile(t, filepath.Join(escape, "_spate_log", "0.json"), `{"version":1,"batches":[{"batchId":0,"files":[{"path":"../secret.parquet"}]}]}`)
	readErr(t, `lists file "../secret.parquet", which is not a clean path inside the sink's folder`, escape)

	gone := filepath.Join(dir, "gone")
	mustWriteFile(t, filepath.Join(gone, "_spate_log", "0.json"), `{"version":1,"batches":[{"batchId":0,"files":[{"path":"part-00000-00000-000.parquet"}]}]}`)
	readErr(t, "gone/part-00000-00000-000.parquet is not a Parquet file, or is damaged", gone)
}

var plainSchema = arrow.NewSchema([]arrow.Field{
	{Name: "user_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "page", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// plainFolder writes Hive-style partitioned files as other tools do,
// with hidden files and folders and a file of another format.
func plainFolder(t *testing.T) string {
	dir := filepath.Join(t.TempDir(), "plain")
	writeParquet(t, filepath.Join(dir, "date=2026-01-01", "n=1", "a.parquet"), plainSchema, `[{"user_id":1,"page":"/a"},{"user_id":2,"page":null}]`)
	writeParquet(t, filepath.Join(dir, "date=2026-01-02", "n=3000000000", "b.parquet"), plainSchema, `[{"user_id":3,"page":"/c"}]`)
	writeParquet(t, filepath.Join(dir, "date=__HIVE_DEFAULT_PARTITION__", "n=2", "c.parquet"), plainSchema, `[{"user_id":4,"page":"/d"}]`)
	writeParquet(t, filepath.Join(dir, "_tmp", "date=2026-01-09", "n=9", "x.parquet"), plainSchema, `[{"user_id":9,"page":"/hidden"}]`)
	writeParquet(t, filepath.Join(dir, "date=2026-01-01", "n=1", ".b.parquet"), plainSchema, `[{"user_id":9,"page":"/hidden"}]`)
	mustWriteFile(t, filepath.Join(dir, "_SUCCESS"), "")
	mustWriteFile(t, filepath.Join(dir, "date=2026-01-01", "n=1", "notes.txt"), "not data")
	return dir
}

func TestReadParquetPlainFolders(t *testing.T) {
	dir := plainFolder(t)
	wantSchema := arrow.NewSchema(append(plainSchema.Fields(),
		arrow.Field{Name: "date", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
		arrow.Field{Name: "n", Type: arrow.PrimitiveTypes.Int64, Nullable: true}), nil)
	all := []string{
		`{"date":"2026-01-01","n":1,"page":"/a","user_id":1}`,
		`{"date":"2026-01-01","n":1,"page":null,"user_id":2}`,
		`{"date":"2026-01-02","n":3000000000,"page":"/c","user_id":3}`,
		`{"date":null,"n":2,"page":"/d","user_id":4}`,
	}
	slices.Sort(all)
	for _, tc := range []struct {
		name  string
		paths []string
		want  []string
	}{
		{"folder", []string{dir}, all},
		{"recursive pattern", []string{filepath.Join(dir, "**", "*.parquet")}, all},
		{"partition pattern", []string{filepath.Join(dir, "date=2026-01-0[12]"), filepath.Join(dir, "date=__HIVE*")}, all},
		{"twice", []string{dir, filepath.Join(dir, "date=*", "*", "a.parquet")}, all},
	} {
		t.Run(tc.name, func(t *testing.T) {
			schema, got := collectJSON(t, func(s *engine.Session) engine.DataFrame { return s.ReadParquet(tc.paths...) })
			sameFields(t, schema, wantSchema)
			sameRows(t, got, tc.want)
		})
	}

	// Partitions are discovered below the folder named: a partition folder
	// named directly has none, as in Spark.
	schema, got := collectJSON(t, func(s *engine.Session) engine.DataFrame {
		return s.ReadParquet(filepath.Join(dir, "date=2026-01-02"))
	})
	sameFields(t, schema, arrow.NewSchema(append(plainSchema.Fields(), arrow.Field{Name: "n", Type: arrow.PrimitiveTypes.Int64, Nullable: true}), nil))
	sameRows(t, got, []string{`{"n":3000000000,"page":"/c","user_id":3}`})

	// A file named directly is read whatever its name, without partition
	// columns; a non-Parquet one is an error naming it.
	schema, got = collectJSON(t, func(s *engine.Session) engine.DataFrame {
		return s.ReadParquet(filepath.Join(dir, "date=2026-01-01", "n=1", ".b.parquet"))
	})
	sameFields(t, schema, plainSchema)
	sameRows(t, got, []string{`{"page":"/hidden","user_id":9}`})
	readErr(t, "notes.txt is not a Parquet file", filepath.Join(dir, "date=2026-01-01", "n=1", "notes.txt"))
	readErr(t, "notes.txt is not a Parquet file", filepath.Join(dir, "date=2026-01-01", "n=1", "*"))

	// Files under different partition columns.
	writeParquet(t, filepath.Join(dir, "date=2026-01-03", "d.parquet"), plainSchema, `[{"user_id":5,"page":"/e"}]`)
	readErr(t, "date=2026-01-03/d.parquet is under partition folders date=…", dir)
	readErr(t, "is under no partition folder", filepath.Join(dir, "date=2026-01-01", "n=1", "a.parquet"), filepath.Join(dir, "date=2026-01-02", "*"))
}

func TestReadParquetSchemas(t *testing.T) {
	dir := t.TempDir()
	// a.parquet comes first, so its schema is the read's.
	writeParquet(t, filepath.Join(dir, "evolve", "a.parquet"), clickSchema, `[{"user_id":1,"page":"/a","ts":"2024-05-17T13:45:12Z"}]`)
	extra := arrow.NewSchema([]arrow.Field{
		{Name: "page", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "extra", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "user_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	}, nil)
	writeParquet(t, filepath.Join(dir, "evolve", "b.parquet"), extra, `[{"page":"/b","extra":7,"user_id":2}]`)
	only := arrow.NewSchema([]arrow.Field{{Name: "other", Type: arrow.PrimitiveTypes.Int32}}, nil)
	writeParquet(t, filepath.Join(dir, "evolve", "c.parquet"), only, `[{"other":1},{"other":2}]`)
	schema, got := collectJSON(t, func(s *engine.Session) engine.DataFrame { return s.ReadParquet(filepath.Join(dir, "evolve")) })
	sameFields(t, schema, clickSchema)
	sameRows(t, got, []string{
		`{"page":"/a","ts":"2024-05-17T13:45:12Z","user_id":1}`,
		`{"page":"/b","ts":null,"user_id":2}`,
		`{"page":null,"ts":null,"user_id":null}`,
		`{"page":null,"ts":null,"user_id":null}`,
	})

	other := arrow.NewSchema([]arrow.Field{{Name: "user_id", Type: arrow.BinaryTypes.String, Nullable: true}}, nil)
	writeParquet(t, filepath.Join(dir, "mixed", "a.parquet"), clickSchema, `[{"user_id":1,"page":"/a","ts":null}]`)
	writeParquet(t, filepath.Join(dir, "mixed", "b.parquet"), other, `[{"user_id":"x"}]`)
	readErr(t, "mixed/b.parquet: its column user_id is utf8, but int64 in "+filepath.Join(dir, "mixed", "a.parquet"), filepath.Join(dir, "mixed"))

	required := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64}}, nil)
	writeParquet(t, filepath.Join(dir, "required", "a.parquet"), required, `[{"id":1}]`)
	writeParquet(t, filepath.Join(dir, "required", "b.parquet"), other, `[{"user_id":"x"}]`)
	readErr(t, "required/b.parquet: it has no column id", filepath.Join(dir, "required"))

	writeParquet(t, filepath.Join(dir, "clash", "page=x", "a.parquet"), clickSchema, `[{"user_id":1,"page":"/a","ts":null}]`)
	readErr(t, "has a column page, and its folders a partition column page", filepath.Join(dir, "clash"))
}

func TestReadParquetBadInput(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.parquet")
	rows := make([]string, 5000)
	for i := range rows {
		rows[i] = fmt.Sprintf(`{"user_id":%d,"page":"/p%d","ts":null}`, i, i%97)
	}
	writeParquet(t, good, clickSchema, "["+strings.Join(rows, ",")+"]")
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}

	if err := os.Mkdir(filepath.Join(dir, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	readErr(t, "no Parquet file to read in "+filepath.Join(dir, "empty")+" (no files there)", filepath.Join(dir, "empty"))
	mustWriteFile(t, filepath.Join(dir, "csv", "data.csv"), "a,b\n1,2\n")
	readErr(t, "1 file without the .parquet suffix (such as "+filepath.Join(dir, "csv", "data.csv")+") left out", filepath.Join(dir, "csv"))
	readErr(t, "does not exist", filepath.Join(dir, "missing"))
	readErr(t, "matches no file or folder", filepath.Join(dir, "none*.parquet"))
	readErr(t, "bad pattern", filepath.Join(dir, "x["))
	readErr(t, "needs at least one path")

	mustWriteFile(t, filepath.Join(dir, "text", "x.parquet"), "this is not Parquet, though it is named so")
	readErr(t, "text/x.parquet is not a Parquet file", filepath.Join(dir, "text"))
	mustWriteFile(t, filepath.Join(dir, "truncated", "x.parquet"), string(data[:len(data)/2]))
	readErr(t, "truncated/x.parquet is not a Parquet file, or is damaged", filepath.Join(dir, "truncated"))
	footer := slices.Clone(data)
	for i := len(footer) - 60; i < len(footer)-8; i++ {
		footer[i] = 0xFF
	}
	mustWriteFile(t, filepath.Join(dir, "footer", "x.parquet"), string(footer))
	readErr(t, "footer/x.parquet", filepath.Join(dir, "footer"))

	// Damaged pages of a second file: the read fails naming it, or reads
	// garbage values (no checksums), but never panics or leaks.
	for _, fill := range []byte{0x00, 0xFF, 0x5A} {
		damaged := slices.Clone(data)
		for i := 8; i < len(damaged)/2; i += 3 {
			damaged[i] = fill
		}
		sub := filepath.Join(dir, fmt.Sprintf("pages-%x", fill))
		writeParquet(t, filepath.Join(sub, "a.parquet"), clickSchema, `[{"user_id":1,"page":"/a","ts":null}]`)
		mustWriteFile(t, filepath.Join(sub, "b.parquet"), string(damaged))
		mem := checkedAlloc(t)
		tbl, err := engine.NewSession("read", engine.WithAllocator(mem)).ReadParquet(sub).Collect(context.Background())
		if err == nil {
			t.Logf("damaged pages (fill %#x) read without error", fill)
			tbl.Release()
			continue
		}
		t.Logf("damaged pages (fill %#x): %v", fill, err)
		if !strings.Contains(err.Error(), "b.parquet") {
			t.Errorf("damaged pages: error %v does not name the file", err)
		}
	}
}

func TestReadParquetCancel(t *testing.T) {
	dir := t.TempDir()
	writeParquet(t, filepath.Join(dir, "a.parquet"), clickSchema, `[{"user_id":1,"page":"/a","ts":null}]`)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	mem := checkedAlloc(t)
	_, err := engine.NewSession("read", engine.WithAllocator(mem)).ReadParquet(dir).Collect(ctx)
	if err == nil || !strings.Contains(err.Error(), "canceled") {
		t.Fatalf("got %v, want the context's error", err)
	}
}

func TestReadParquetPlanRoundTrip(t *testing.T) {
	dir := plainFolder(t)
	df := engine.NewSession("plan").ReadParquet(dir)
	q, err := df.Plan()
	if err != nil {
		t.Fatal(err)
	}
	src, err := engine.DecodeSource(q.Sources[0].Kind, q.Sources[0].Options)
	if err != nil {
		t.Fatal(err)
	}
	if !src.Schema().Equal(df.Schema()) {
		t.Fatalf("decoded source schema %s, want %s", src.Schema(), df.Schema())
	}
	if n := len(src.(*engine.ParquetSource).Files()); n != 3 {
		t.Fatalf("decoded source reads %d files, want 3", n)
	}
}

// TestReadParquetWhileTheSinkCommits reads a sink's output while a query
// commits a batch of 10 rows at a time and compacts _spate_log at every
// batch (deleting the manifests a reader may have just listed): every
// read sees whole batches, each row once, and never fewer than before.
func TestReadParquetWhileTheSinkCommits(t *testing.T) {
	out := filepath.Join(t.TempDir(), "live")
	src := memsrc.NewSource(t.Name(), saleSchema, 1)
	defer src.Release()
	sink := pqsink.Sink(out).PartitionBy("date").ManifestCompactInterval(1)
	q, err := engine.NewSession("live").ReadStream(src).WriteStream(sink).
		Checkpoint(filepath.Join(t.TempDir(), "ckpt")).Trigger(engine.ProcessingTime(0)).Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer q.Stop()
	const batches = 15
	addBatch := func(i int) error {
		if err := src.AddJSON(0, saleRows(i*10, i*10+10)...); err != nil {
			return err
		}
		return q.ProcessAllAvailable(ctxT(t))
	}
	if err := addBatch(0); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		for i := 1; i < batches; i++ {
			if err := addBatch(i); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	seen, reads := 0, 0
	for writing := true; writing; reads++ {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			writing = false
		default:
		}
		_, ids := collectJSON(t, func(s *engine.Session) engine.DataFrame { return s.ReadParquet(out).Select(engine.Col("id")) })
		if len(ids)%10 != 0 || len(ids) < seen || len(slices.Compact(slices.Clone(ids))) != len(ids) {
			t.Fatalf("read %d: %d rows after %d (want whole batches of 10, each row once, never fewer)", reads, len(ids), seen)
		}
		seen = len(ids)
	}
	if seen != batches*10 {
		t.Fatalf("the last read has %d rows, want %d", seen, batches*10)
	}
	t.Logf("%d reads during %d commits", reads, batches)
}

// writeBenchFolder writes 1,048,576 rows (user_id, page, ts) as 8 files
// under date=…/country=… folders of dir.
func writeBenchFolder(dir string) error {
	for f := range 8 {
		b := array.NewRecordBuilder(memory.DefaultAllocator, clickSchema)
		for i := range 1 << 17 {
			n := f<<17 + i
			b.Field(0).(*array.Int64Builder).Append(int64(n))
			b.Field(1).(*array.StringBuilder).Append(fmt.Sprintf("/page/%d", n%1000))
			b.Field(2).(*array.TimestampBuilder).Append(arrow.Timestamp(1_700_000_000_000_000 + int64(n)*1000))
		}
		rec := b.NewRecordBatch()
		b.Release()
		path := filepath.Join(dir, fmt.Sprintf("date=2026-01-0%d", 1+f%4), fmt.Sprintf("country=c%d", f/4), "part.parquet")
		err := writeBenchFile(path, rec)
		rec.Release()
		if err != nil {
			return err
		}
	}
	return nil
}

func writeBenchFile(path string, rec arrow.RecordBatch) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w, err := pqarrow.NewFileWriter(rec.Schema(), f, parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy)), pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		return err
	}
	if err := w.Write(rec); err != nil {
		return err
	}
	return w.Close()
}

// BenchmarkReadParquet reads 1M rows in 8 partitioned files through
// ParquetSource.ReadAll (partition columns appended) and, for reference,
// with a bare pqarrow record reader per file.
func BenchmarkReadParquet(b *testing.B) {
	dir := b.TempDir()
	if err := writeBenchFolder(dir); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.Run("ReadAll", func(b *testing.B) {
		src, err := engine.OpenParquet(dir)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			rows := int64(0)
			err := src.ReadAll(ctx, memory.DefaultAllocator, func(rec arrow.RecordBatch) error {
				rows += rec.NumRows()
				rec.Release()
				return nil
			})
			if err != nil || rows != 1<<20 {
				b.Fatalf("%d rows, %v", rows, err)
			}
		}
		b.ReportMetric(float64(b.N)*(1<<20)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("pqarrow", func(b *testing.B) {
		files, err := filepath.Glob(filepath.Join(dir, "*", "*", "*.parquet"))
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			rows := int64(0)
			for _, path := range files {
				pf, err := file.OpenParquetFile(path, false)
				if err != nil {
					b.Fatal(err)
				}
				fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 64 << 10}, memory.DefaultAllocator)
				if err != nil {
					b.Fatal(err)
				}
				rr, err := fr.GetRecordReader(ctx, nil, nil)
				if err != nil {
					b.Fatal(err)
				}
				for rr.Next() {
					rows += rr.RecordBatch().NumRows()
				}
				rr.Release()
				pf.Close()
			}
			if rows != 1<<20 {
				b.Fatalf("%d rows", rows)
			}
		}
		b.ReportMetric(float64(b.N)*(1<<20)/b.Elapsed().Seconds(), "rows/s")
	})
}
