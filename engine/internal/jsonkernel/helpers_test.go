package jsonkernel

import (
	"encoding/json"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// checkedMem returns an allocator that fails the test when anything it
// handed out is still allocated at the end.
func checkedMem(t testing.TB) *memory.CheckedAllocator {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}

// strings builds a string column; nil entries are null rows.
func stringArray(mem memory.Allocator, rows []*string) arrow.Array {
	b := array.NewStringBuilder(mem)
	defer b.Release()
	for _, r := range rows {
		if r == nil {
			b.AppendNull()
		} else {
			b.Append(*r)
		}
	}
	return b.NewArray()
}

func rowsOf(rows ...string) []*string {
	out := make([]*string, len(rows))
	for i := range rows {
		out[i] = &rows[i]
	}
	return out
}

// rowJSON renders row i of a struct array as JSON for comparisons.
func rowJSON(t testing.TB, a arrow.Array, i int) string {
	t.Helper()
	if a.IsNull(i) {
		return "null"
	}
	b, err := json.Marshal(a.GetOneForMarshal(i))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
