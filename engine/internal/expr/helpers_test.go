package expr

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spate-io/spate/engine/plan"
)

func col(name string) *plan.Expr { return plan.Col(name) }

func call(op string, args ...*plan.Expr) *plan.Expr { return plan.Call(op, args...) }

// lit infers the type as Spark does for Go-ish values: int is int32.
func lit(v any) *plan.Expr {
	var e *plan.Expr
	var err error
	switch x := v.(type) {
	case nil:
		e, err = plan.Lit(arrow.Null, nil)
	case int:
		e, err = plan.Lit(arrow.PrimitiveTypes.Int32, int32(x))
	case int64:
		e, err = plan.Lit(arrow.PrimitiveTypes.Int64, x)
	case float64:
		e, err = plan.Lit(arrow.PrimitiveTypes.Float64, x)
	case string:
		e, err = plan.Lit(arrow.BinaryTypes.String, x)
	case bool:
		e, err = plan.Lit(arrow.FixedWidthTypes.Boolean, x)
	case []byte:
		e, err = plan.Lit(arrow.BinaryTypes.Binary, x)
	default:
		panic("lit: unsupported")
	}
	if err != nil {
		panic(err)
	}
	return e
}

// record builds a batch from JSON rows.
func record(t testing.TB, mem memory.Allocator, schema *arrow.Schema, rows string) arrow.RecordBatch {
	t.Helper()
	rec, _, err := array.RecordFromJSON(mem, schema, strings.NewReader(rows))
	if err != nil {
		t.Fatalf("test rows: %v", err)
	}
	return rec
}

// evalJSON resolves e against rec's schema, evaluates it and returns the
// values as JSON.
func evalJSON(t testing.TB, mem memory.Allocator, rec arrow.RecordBatch, e *plan.Expr) (string, arrow.DataType, error) {
	t.Helper()
	r := &Resolver{Schema: rec.Schema(), Where: "Select"}
	x, err := r.Resolve(e)
	if err != nil {
		return "", nil, err
	}
	c := NewCtx(context.Background(), mem, 1_700_000_000_000_000)
	out, err := x.Eval(c, rec)
	if err != nil {
		return "", x.Type(), err
	}
	defer out.Release()
	if out.Len() != int(rec.NumRows()) {
		t.Fatalf("%s: %d rows out, %d in", x.Name(), out.Len(), rec.NumRows())
	}
	if !arrow.TypeEqual(out.DataType(), x.Type()) {
		t.Fatalf("%s: evaluated to %s, resolved as %s", x.Name(), out.DataType(), x.Type())
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), x.Type(), nil
}

func checked(t *testing.T) *memory.CheckedAllocator {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}
