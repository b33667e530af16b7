package parquet

import (
	"context"
	"fmt"
	"path"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func TestEscapePathName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"home", "home"},
		{"a/b=c", "a%2Fb%3Dc"},
		{"50%: ok?", "50%25%3A ok%3F"},
		{"ünï #1", "ünï %231"},
		{`"'*\{[]^`, "%22%27%2A%5C%7B%5B%5D%5E"},
		{"tab\there\x00\x7f", "tab%09here%00%7F"},
		{"..", ".."},
		{"a b,c;d", "a b,c;d"},
	} {
		if got := escapePathName(tc.in); got != tc.want {
			t.Errorf("escapePathName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPartitionValueFormatsLikeSpark(t *testing.T) {
	mem := memory.NewGoAllocator()
	build := func(dt arrow.DataType, fill func(b array.Builder)) arrow.Array {
		b := array.NewBuilder(mem, dt)
		defer b.Release()
		fill(b)
		return b.NewArray()
	}
	tsType := &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	dictType := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}
	for _, tc := range []struct {
		name string
		arr  arrow.Array
		want []string // "<null>" for not ok
	}{
		{"string", build(arrow.BinaryTypes.String, func(b array.Builder) {
			b.(*array.StringBuilder).AppendValues([]string{"x", ""}, nil)
			b.AppendNull()
		}), []string{"x", "<null>", "<null>"}},
		{"int64", build(arrow.PrimitiveTypes.Int64, func(b array.Builder) {
			b.(*array.Int64Builder).AppendValues([]int64{-5, 1 << 40}, nil)
		}), []string{"-5", "1099511627776"}},
		{"uint8", build(arrow.PrimitiveTypes.Uint8, func(b array.Builder) { b.(*array.Uint8Builder).Append(255) }), []string{"255"}},
		{"bool", build(arrow.FixedWidthTypes.Boolean, func(b array.Builder) {
			b.(*array.BooleanBuilder).AppendValues([]bool{true, false}, nil)
		}), []string{"true", "false"}},
		{"date32", build(arrow.FixedWidthTypes.Date32, func(b array.Builder) {
			b.(*array.Date32Builder).Append(arrow.Date32(19783))
		}), []string{"2024-03-01"}},
		{"timestamp", build(tsType, func(b array.Builder) {
			b.(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{arrow.Timestamp(baseTime.UnixMicro()), arrow.Timestamp(baseTime.UnixMicro() + 1500)}, nil)
		}), []string{"2024-03-01 12:00:00", "2024-03-01 12:00:00.0015"}},
		{"dictionary", build(dictType, func(b array.Builder) {
			db := b.(*array.BinaryDictionaryBuilder)
			db.AppendString("eu")
			db.AppendString("us")
			db.AppendString("eu")
			db.AppendNull()
		}), []string{"eu", "us", "eu", "<null>"}},
	} {
		if err := checkPartitionType(tc.name, tc.arr.DataType()); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
		for i, want := range tc.want {
			v, ok := partitionValue(tc.arr, i)
			if !ok {
				v = "<null>"
			}
			if v != want {
				t.Errorf("%s row %d: %q, want %q", tc.name, i, v, want)
			}
		}
		tc.arr.Release()
	}
	for _, dt := range []arrow.DataType{arrow.BinaryTypes.Binary, arrow.PrimitiveTypes.Float64, arrow.ListOf(arrow.BinaryTypes.String)} {
		err := checkPartitionType("c", dt)
		if err == nil || !strings.Contains(err.Error(), "cannot partition by column c of type") {
			t.Errorf("partition by %s: %v", dt, err)
		}
	}
}

func TestPartitionByWritesHiveFolders(t *testing.T) {
	dir := t.TempDir()
	mem := testAllocator(t)
	s := Sink(dir).Allocator(mem).PartitionBy("page", "partition").MaxFileRows(150)
	// Pages cycle row by row, so every record scatters over every folder.
	commitBatch(t, s, 0, mem, [][2]int{{0, 1200}, {1200, 600}}, 250)

	checkRows(t, readCommitted(t, dir), 1800)
	files, err := CommittedFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	folders := map[string]bool{}
	for _, f := range files {
		folders[path.Dir(f.RelPath)] = true
		pf := openParquet(t, f.Path)
		for _, col := range []string{"page", "partition"} {
			if _, ok := pf.Schema().Lookup(col); ok {
				t.Fatalf("%s holds partition column %s", f.RelPath, col)
			}
		}
	}
	// Page i%6 fixes partition i%3: six folders, null and "" sharing the default.
	want := []string{
		"page=50%25%3A ok%3F/partition=1",
		"page=__HIVE_DEFAULT_PARTITION__/partition=0",
		"page=__HIVE_DEFAULT_PARTITION__/partition=2",
		"page=a%2Fb%3Dc/partition=1",
		"page=home/partition=0",
		"page=ünï %231/partition=2",
	}
	if got := keys(folders); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("folders\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Task 0 wrote 200 rows per page value, rolled at 150; task 1 100.
	count := map[string]int{}
	for _, f := range files {
		count[fmt.Sprintf("%d rows", f.Rows)]++
		if strings.HasSuffix(f.RelPath, "-001.parquet") && f.Rows != 50 {
			t.Errorf("%s: %d rows, want the 50 after the roll", f.RelPath, f.Rows)
		}
	}
	if fmt.Sprint(count) != "map[100 rows:6 150 rows:6 50 rows:6]" {
		t.Errorf("files by rows: %v", count)
	}
}

func TestPartitionByRejectsBadColumns(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		sink *FileSink
		want string
	}{
		{Sink(t.TempDir()).PartitionBy("nope"), `parquet: partition column "nope" is not in the output (columns: key, value, topic`},
		{Sink(t.TempDir()).PartitionBy("value"), "parquet: cannot partition by column value of type binary"},
		{Sink(t.TempDir()).Dictionary("nope"), `parquet: dictionary column "nope" is not in the output`},
		{Sink(t.TempDir()).Dictionary("meta"), "parquet: dictionary column meta has type struct"},
	} {
		_, err := tc.sink.NewTaskWriter(ctx, taskInfo(0, 0), rowsSchema)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("got %v, want %q", err, tc.want)
		}
	}
	one := arrow.NewSchema([]arrow.Field{{Name: "d", Type: arrow.BinaryTypes.String}}, nil)
	_, err := Sink(t.TempDir()).PartitionBy("d").NewTaskWriter(ctx, taskInfo(0, 0), one)
	if err == nil || !strings.Contains(err.Error(), "cannot partition by every column") {
		t.Errorf("partition by every column: %v", err)
	}
}
