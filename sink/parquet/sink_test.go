package parquet

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go/format"
)

func TestWriteAndReadBackWithAnotherReader(t *testing.T) {
	for _, codec := range []string{"snappy", "zstd", "gzip", "none"} {
		t.Run(codec, func(t *testing.T) {
			dir := t.TempDir()
			mem := testAllocator(t)
			s := Sink(dir).Allocator(mem).Compression(codec).RowGroupRows(1000).Dictionary("topic")
			commitBatch(t, s, 0, mem, [][2]int{{0, 2500}, {2500, 1500}}, 333)
			commitBatch(t, s, 1, mem, [][2]int{{4000, 3000}}, 4096)
			checkRows(t, readCommitted(t, dir), 7000)

			files, _ := CommittedFiles(dir)
			for _, f := range files {
				rows := readFile(t, f.Path)
				nulls := listNulls(t, f.Path)
				if len(nulls) != len(rows) {
					t.Fatalf("%s: %d list entries for %d rows", f.RelPath, len(nulls), len(rows))
				}
				for i, r := range rows {
					if want := r.Offset%8 == 5; nulls[i] != want {
						t.Fatalf("%s offset %d: tags null %v, want %v", f.RelPath, r.Offset, nulls[i], want)
					}
				}
				pf := openParquet(t, f.Path)
				if _, ok := pf.Lookup("ARROW:schema"); !ok {
					t.Errorf("%s: no ARROW:schema in the key-value metadata", f.RelPath)
				}
				if got := pf.Metadata().CreatedBy; !strings.HasPrefix(got, "parquet-go version") {
					t.Errorf("created_by %q", got)
				}
				ts, _ := pf.Schema().Lookup("ts")
				if lt, ok := ts.Node.Type().LogicalType().Value.(*format.TimestampType); !ok || !lt.IsAdjustedToUTC {
					t.Errorf("ts is not a UTC timestamp: %v", lt)
				}
				if n := len(pf.RowGroups()); int64(n) != (f.Rows+999)/1000 {
					t.Errorf("%s: %d row groups for %d rows of 1000 per group", f.RelPath, n, f.Rows)
				}
			}
		})
	}
}

func TestSameRowsGiveSameBytesHoweverRecordsAreCut(t *testing.T) {
	for _, tc := range []struct {
		rows   int
		chunks []int
		files  int
	}{
		{rows: 3000, chunks: []int{3000, 1, 7, 1024}, files: 1},
		{rows: 25000, chunks: []int{25000, 777, 16384, 5000}, files: 2},
	} {
		var want map[string][]byte
		for _, chunk := range tc.chunks {
			dir := t.TempDir()
			mem := testAllocator(t)
			s := Sink(dir).Allocator(mem).RowGroupRows(10000).MaxFileRows(18000)
			commitBatch(t, s, 3, mem, [][2]int{{0, tc.rows}}, chunk)
			got := tree(t, dir)
			delete(got, "_spate_log/3.json") // holds the commit time
			if want == nil {
				want = got
				if files := parquetFiles(got); len(files) != tc.files {
					t.Fatalf("files %v, want %d (rolled at 18000 rows)", files, tc.files)
				}
				continue
			}
			t.Logf("%d rows in records of %d", tc.rows, chunk)
			compareTrees(t, got, want)
		}
	}
}

func compareTrees(t testing.TB, got, want map[string][]byte) {
	t.Helper()
	for p, b := range want {
		g, ok := got[p]
		if !ok {
			t.Errorf("file %s is missing", p)
		} else if !bytes.Equal(g, b) {
			t.Errorf("file %s differs (%d bytes, want %d)", p, len(g), len(b))
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("unexpected file %s", p)
		}
	}
}

func TestEmptyTaskWritesNoFile(t *testing.T) {
	dir := t.TempDir()
	mem := testAllocator(t)
	s := Sink(dir).Allocator(mem)
	commitBatch(t, s, 0, mem, [][2]int{{0, 0}, {0, 10}}, 10)
	files, err := CommittedFiles(dir)
	if err != nil || len(files) != 1 || files[0].RelPath != "part-00000-00001-000.parquet" {
		t.Fatalf("files %+v, %v; want task 1's file only", files, err)
	}
}

func TestAbortRemovesTempFilesAndReleasesMemory(t *testing.T) {
	dir := t.TempDir()
	mem := testAllocator(t)
	s := Sink(dir).Allocator(mem).MaxFileRows(100).PartitionBy("page")
	ctx := context.Background()
	w, err := s.NewTaskWriter(ctx, taskInfo(0, 0), rowsSchema)
	if err != nil {
		t.Fatal(err)
	}
	rec := buildRows(mem, 0, 1000)
	defer rec.Release()
	if err := w.Write(ctx, rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Abort(ctx); err != nil {
		t.Fatal(err)
	}
	if files := tree(t, dir); len(files) != 0 {
		t.Fatalf("files left after Abort: %v", keys(files))
	}
	if err := w.Write(ctx, rec); err == nil {
		t.Fatal("Write after Abort succeeded")
	}
}
