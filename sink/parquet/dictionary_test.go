package parquet

import (
	"context"
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	pq "github.com/parquet-go/parquet-go"
)

var dictSchema = arrow.NewSchema([]arrow.Field{
	{Name: "country", Type: &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int16, ValueType: arrow.BinaryTypes.String}, Nullable: true},
	{Name: "n", Type: arrow.PrimitiveTypes.Int64},
}, nil)

// dictRecord makes rows [from, from+n) whose dictionaries differ from
// record to record.
func dictRecord(mem memory.Allocator, from, n int) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, dictSchema)
	defer b.Release()
	db := b.Field(0).(*array.BinaryDictionaryBuilder)
	for i := from; i < from+n; i++ {
		if i%10 == 9 {
			db.AppendNull()
		} else {
			db.AppendString(fmt.Sprintf("c%d", i%7))
		}
		b.Field(1).(*array.Int64Builder).Append(int64(i))
	}
	return b.NewRecordBatch()
}

type dictRow struct {
	Country *string `parquet:"country,optional"`
	N       int64   `parquet:"n"`
}

func TestDictionaryColumnsAcrossRecords(t *testing.T) {
	for _, partitioned := range []bool{false, true} {
		dir := t.TempDir()
		mem := testAllocator(t)
		s := Sink(dir).Allocator(mem)
		if partitioned {
			s.PartitionBy("country")
		} else {
			s.Dictionary("country")
		}
		ctx := context.Background()
		w, err := s.NewTaskWriter(ctx, taskInfo(0, 0), dictSchema)
		if err != nil {
			t.Fatal(err)
		}
		for from := 0; from < 1000; from += 3 {
			rec := dictRecord(mem, from, min(3, 1000-from))
			err := w.Write(ctx, rec)
			rec.Release()
			if err != nil {
				t.Fatal(err)
			}
		}
		if _, err := w.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		got := map[int64]*string{}
		for _, p := range parquetFiles(tree(t, dir)) {
			rows, err := pq.ReadFile[dictRow](dir + "/" + p)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				if partitioned {
					r.Country = folderValue(p)
				}
				got[r.N] = r.Country
			}
		}
		for i := int64(0); i < 1000; i++ {
			want := fmt.Sprintf("c%d", i%7)
			if c, ok := got[i]; !ok || (i%10 == 9) != (c == nil) || (c != nil && *c != want) {
				t.Fatalf("partitioned %v, row %d: %v (present %v), want %s", partitioned, i, c, ok, want)
			}
		}
	}
}

// folderValue is the value of a one-column partition folder, nil for the
// default partition.
func folderValue(p string) *string {
	var col, val string
	fmt.Sscanf(p[:len(p)-len("/part-00000-00000-000.parquet")], "%s", &col)
	for i := range col {
		if col[i] == '=' {
			val = col[i+1:]
		}
	}
	if val == DefaultPartitionName {
		return nil
	}
	return &val
}
