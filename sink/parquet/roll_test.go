package parquet

import (
	"testing"
)

func TestRowsUntilCut(t *testing.T) {
	for _, tc := range []struct {
		fileRows int64
		l        limits
		want     int64
	}{
		{0, limits{rowGroupRows: 1 << 20}, chunkRows},
		{chunkRows, limits{rowGroupRows: 1 << 20}, chunkRows},
		{100, limits{rowGroupRows: 1 << 20}, chunkRows - 100},
		{0, limits{rowGroupRows: 1000}, 1000},
		{1500, limits{rowGroupRows: 1000}, 500},
		{0, limits{rowGroupRows: 40000}, chunkRows},
		{2 * chunkRows, limits{rowGroupRows: 40000}, 40000 - 2*chunkRows},
		{40000, limits{rowGroupRows: 40000}, chunkRows},
		{0, limits{rowGroupRows: 1 << 20, maxFileRows: 10}, 10},
		{7, limits{rowGroupRows: 1 << 20, maxFileRows: 10}, 3},
		{900, limits{rowGroupRows: 1000, maxFileRows: 950}, 50},
	} {
		if got := rowsUntilCut(tc.fileRows, tc.l); got != tc.want {
			t.Errorf("rowsUntilCut(%d, %+v) = %d, want %d", tc.fileRows, tc.l, got, tc.want)
		}
	}
}

func TestRollAfter(t *testing.T) {
	for _, tc := range []struct {
		rows, bytes int64
		l           limits
		want        bool
	}{
		{100, 1 << 30, limits{rowGroupRows: 10}, false},
		{100, 0, limits{rowGroupRows: 10, maxFileRows: 100}, true},
		{99, 0, limits{rowGroupRows: 10, maxFileRows: 100}, false},
		{1, 5000, limits{rowGroupRows: 10, maxFileBytes: 5000}, true},
		{1, 4999, limits{rowGroupRows: 10, maxFileBytes: 5000}, false},
	} {
		if got := rollAfter(tc.rows, tc.bytes, tc.l); got != tc.want {
			t.Errorf("rollAfter(%d, %d, %+v) = %v", tc.rows, tc.bytes, tc.l, got)
		}
	}
}

func TestRollByRows(t *testing.T) {
	dir := t.TempDir()
	mem := testAllocator(t)
	s := Sink(dir).Allocator(mem).MaxFileRows(1000).RowGroupRows(300)
	commitBatch(t, s, 12, mem, [][2]int{{0, 3500}}, 512)
	files, err := CommittedFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name string
		rows int64
	}{
		{"part-00012-00000-000.parquet", 1000}, {"part-00012-00000-001.parquet", 1000},
		{"part-00012-00000-002.parquet", 1000}, {"part-00012-00000-003.parquet", 500},
	}
	if len(files) != len(want) {
		t.Fatalf("%d files, want %d: %+v", len(files), len(want), files)
	}
	for i, f := range files {
		if f.RelPath != want[i].name || f.Rows != want[i].rows {
			t.Errorf("file %d: %s with %d rows, want %s with %d", i, f.RelPath, f.Rows, want[i].name, want[i].rows)
		}
		if n, want := len(openParquet(t, f.Path).RowGroups()), int((f.Rows+299)/300); n != want {
			t.Errorf("%s: %d row groups, want %d", f.RelPath, n, want)
		}
	}
	checkRows(t, readCommitted(t, dir), 3500)
}

func TestRollByBytes(t *testing.T) {
	const limit = 1 << 20
	dir := t.TempDir()
	mem := testAllocator(t)
	s := Sink(dir).Allocator(mem).MaxFileBytes(limit)
	commitBatch(t, s, 0, mem, [][2]int{{0, 100000}}, 10000)
	files, err := CommittedFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 3 {
		t.Fatalf("%d files; want the 100000 rows rolled into several files of about %d bytes", len(files), limit)
	}
	for i, f := range files[:len(files)-1] {
		// A file rolls at the first chunk boundary where its finished
		// pages reach the limit; unfinished pages make it pass a little.
		if f.Bytes < limit || f.Bytes > limit*3/2 {
			t.Errorf("file %d (%s): %d bytes, want between %d and %d", i, f.RelPath, f.Bytes, limit, limit*3/2)
		}
	}
	for _, f := range files {
		t.Logf("%s %d rows %d bytes", f.RelPath, f.Rows, f.Bytes)
	}
	checkRows(t, readCommitted(t, dir), 100000)
}
