package parquet

import (
	"fmt"
	"os"
	"reflect"
	"sort"
	"strconv"
	"testing"
	"time"

	pq "github.com/parquet-go/parquet-go"
)

// readRow is a row read back by parquet-go/parquet-go, an implementation
// independent of the writer's.
type readRow struct {
	Key       []byte     `parquet:"key,optional"`
	Value     []byte     `parquet:"value,optional"`
	Topic     string     `parquet:"topic"`
	Partition int32      `parquet:"partition"`
	Offset    int64      `parquet:"offset"`
	TS        time.Time  `parquet:"ts,timestamp(millisecond)"`
	TSMicro   *time.Time `parquet:"ts_us,optional,timestamp(microsecond)"`
	Flag      *bool      `parquet:"flag,optional"`
	Score     *float64   `parquet:"score,optional"`
	Page      *string    `parquet:"page,optional"`
	Meta      *readMeta  `parquet:"meta,optional"`
	Tags      []string   `parquet:"tags,optional,list"`
}

type readMeta struct {
	A int64   `parquet:"a"`
	B *string `parquet:"b,optional"`
}

// wantRow is what buildRows put in row i, as parquet-go reads it back.
func wantRow(i int) readRow {
	r := readRow{
		Value:     []byte(fmt.Sprintf(`{"user":%d,"page":"p%d","amount":%d.%02d}`, i*31%1000, i%50, i%997, i%100)),
		Topic:     "clicks",
		Partition: int32(i % 3),
		Offset:    int64(i),
		TS:        baseTime.Add(time.Duration(i) * time.Millisecond),
		Page:      pages[i%len(pages)],
	}
	if i%7 != 3 {
		r.Key = []byte(fmt.Sprintf("k%d", i%100))
	}
	if i%5 != 0 {
		ts := baseTime.Add(time.Duration(i) * 1001 * time.Microsecond)
		r.TSMicro = &ts
	}
	if i%4 != 1 {
		f := i%2 == 0
		r.Flag = &f
	}
	if i%6 != 2 {
		sc := float64(i) * 0.25
		r.Score = &sc
	}
	if i%9 != 4 {
		r.Meta = &readMeta{A: int64(i) * 10}
		if i%2 == 1 {
			r.Meta.B = str(fmt.Sprintf("b%d", i))
		}
	}
	if i%8 != 5 {
		for j := 0; j < i%3; j++ {
			r.Tags = append(r.Tags, fmt.Sprintf("t%d", j))
		}
	}
	return r
}

// diffRow explains how got differs from want, or returns "".
func diffRow(got, want readRow) string {
	if !got.TS.Equal(want.TS) {
		return fmt.Sprintf("ts %v, want %v", got.TS, want.TS)
	}
	if (got.TSMicro == nil) != (want.TSMicro == nil) || (got.TSMicro != nil && !got.TSMicro.Equal(*want.TSMicro)) {
		return fmt.Sprintf("ts_us %v, want %v", got.TSMicro, want.TSMicro)
	}
	if (got.Key == nil) != (want.Key == nil) {
		return fmt.Sprintf("key null %v, want null %v", got.Key == nil, want.Key == nil)
	}
	got.TS, want.TS, got.TSMicro, want.TSMicro = time.Time{}, time.Time{}, nil, nil
	if len(got.Tags) == 0 && len(want.Tags) == 0 {
		got.Tags, want.Tags = nil, nil
	}
	if !reflect.DeepEqual(got, want) {
		return fmt.Sprintf("got %+v, want %+v", got, want)
	}
	return ""
}

// readFile reads a Parquet file with parquet-go.
func readFile(t testing.TB, path string) []readRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := pq.Read[readRow](f, st.Size())
	if err != nil {
		t.Fatalf("parquet-go cannot read %s: %v", path, err)
	}
	return rows
}

// openFile opens a Parquet file with parquet-go for its metadata.
func openParquet(t testing.TB, path string) *pq.File {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := pq.OpenFile(bytesReaderAt(data), int64(len(data)))
	if err != nil {
		t.Fatalf("parquet-go cannot open %s: %v", path, err)
	}
	return f
}

type bytesReaderAt []byte

func (b bytesReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(b)) {
		return 0, fmt.Errorf("read past the end")
	}
	n := copy(p, b[off:])
	if n < len(p) {
		return n, fmt.Errorf("short read")
	}
	return n, nil
}

// listNulls returns, per row of the file, whether the tags list is null,
// from the definition levels of its leaf column: level 0 is a null list.
func listNulls(t testing.TB, path string) []bool {
	t.Helper()
	f := openParquet(t, path)
	leaf, ok := f.Schema().Lookup("tags", "list", "element")
	if !ok {
		t.Fatalf("%s has no tags.list.element column", path)
	}
	var nulls []bool
	for _, rg := range f.RowGroups() {
		pages := rg.ColumnChunks()[leaf.ColumnIndex].Pages()
		for {
			p, err := pages.ReadPage()
			if err != nil {
				break
			}
			vals := make([]pq.Value, p.NumValues())
			n, _ := p.Values().ReadValues(vals)
			for _, v := range vals[:n] {
				if v.RepetitionLevel() == 0 {
					nulls = append(nulls, v.DefinitionLevel() == 0)
				}
			}
			pq.Release(p)
		}
		pages.Close()
	}
	return nulls
}

// readCommitted reads every committed file with parquet-go and returns the
// rows ordered by offset, checking none appears twice.
func readCommitted(t testing.TB, root string) []readRow {
	t.Helper()
	files, err := CommittedFiles(root)
	if err != nil {
		t.Fatalf("CommittedFiles: %v", err)
	}
	var rows []readRow
	for _, f := range files {
		got := readFile(t, f.Path)
		if int64(len(got)) != f.Rows {
			t.Fatalf("%s has %d rows, the log says %d", f.RelPath, len(got), f.Rows)
		}
		for i := range got {
			setPartitionColumns(t, &got[i], f.Partition)
		}
		rows = append(rows, got...)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Offset < rows[j].Offset })
	for i := 1; i < len(rows); i++ {
		if rows[i].Offset == rows[i-1].Offset {
			t.Fatalf("offset %d read twice", rows[i].Offset)
		}
	}
	return rows
}

// checkRows compares rows read back against buildRows' rows [0, n).
func checkRows(t testing.TB, rows []readRow, n int) {
	t.Helper()
	if len(rows) != n {
		t.Fatalf("read %d rows, want %d", len(rows), n)
	}
	for i, r := range rows {
		want := wantRow(i)
		if want.Page != nil && *want.Page == "" && r.Page == nil {
			want.Page = nil // a partition folder writes "" as null, as Spark does
		}
		if d := diffRow(r, want); d != "" {
			t.Fatalf("row %d: %s", i, d)
		}
	}
}

// setPartitionColumns puts back the columns a file's folder carries.
func setPartitionColumns(t testing.TB, r *readRow, values []PartitionValue) {
	for _, v := range values {
		switch v.Column {
		case "page":
			r.Page = v.Value
		case "partition":
			n, err := strconv.Atoi(*v.Value)
			if err != nil {
				t.Fatal(err)
			}
			r.Partition = int32(n)
		default:
			t.Fatalf("no way to put back partition column %s", v.Column)
		}
	}
}
