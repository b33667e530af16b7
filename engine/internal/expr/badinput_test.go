package expr

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spate-io/spate/engine/plan"
)

// nastySchema has a column of every kind of value the engine meets.
var nastySchema = arrow.NewSchema([]arrow.Field{
	{Name: "i8", Type: arrow.PrimitiveTypes.Int8, Nullable: true},
	{Name: "i64", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "u64", Type: arrow.PrimitiveTypes.Uint64, Nullable: true},
	{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "f32", Type: arrow.PrimitiveTypes.Float32, Nullable: true},
	{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "ls", Type: arrow.BinaryTypes.LargeString, Nullable: true},
	{Name: "bin", Type: arrow.BinaryTypes.Binary, Nullable: true},
	{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}, Nullable: true},
	{Name: "tsms", Type: &arrow.TimestampType{Unit: arrow.Millisecond}, Nullable: true},
	{Name: "d", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	{Name: "st", Type: arrow.StructOf(arrow.Field{Name: "x", Type: arrow.PrimitiveTypes.Int32, Nullable: true}), Nullable: true},
	{Name: "l", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
	{Name: "m", Type: arrow.MapOf(arrow.BinaryTypes.String, arrow.PrimitiveTypes.Int64), Nullable: true},
	{Name: "n", Type: arrow.Null, Nullable: true},
}, nil)

// nastyRows builds rows with extremes: min/max integers, NaN, ±Inf, -0,
// invalid UTF-8, an empty string, a 1 MB string, timestamps at the ends
// of their range, and a row of nulls.
func nastyRows(t testing.TB, mem memory.Allocator, n int) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, nastySchema)
	defer b.Release()
	huge := strings.Repeat("é", 1<<19)
	i64s := []int64{math.MinInt64, math.MaxInt64, 0, -1}
	fs := []float64{math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1)}
	strs := []string{"\xff\xfe bad utf8", "", huge, "a%_\\b"}
	for r := 0; r < n; r++ {
		if r%5 == 4 {
			for i := range nastySchema.Fields() {
				b.Field(i).AppendNull()
			}
			continue
		}
		k := r % 4
		b.Field(0).(*array.Int8Builder).Append(int8(i64s[k]))
		b.Field(1).(*array.Int64Builder).Append(i64s[k])
		b.Field(2).(*array.Uint64Builder).Append(uint64(i64s[k]))
		b.Field(3).(*array.Float64Builder).Append(fs[k])
		b.Field(4).(*array.Float32Builder).Append(float32(fs[k]))
		b.Field(5).(*array.StringBuilder).Append(strs[k])
		b.Field(6).(*array.LargeStringBuilder).Append(strs[k])
		b.Field(7).(*array.BinaryBuilder).Append([]byte(strs[k]))
		b.Field(8).(*array.BooleanBuilder).Append(k%2 == 0)
		b.Field(9).(*array.TimestampBuilder).Append(arrow.Timestamp(i64s[k]))
		b.Field(10).(*array.TimestampBuilder).Append(arrow.Timestamp(i64s[k]))
		b.Field(11).(*array.Date32Builder).Append(arrow.Date32(int32(i64s[k])))
		sb := b.Field(12).(*array.StructBuilder)
		sb.Append(true)
		sb.FieldBuilder(0).(*array.Int32Builder).Append(int32(i64s[k]))
		lb := b.Field(13).(*array.ListBuilder)
		lb.Append(true)
		lb.ValueBuilder().(*array.StringBuilder).Append(strs[k])
		lb.ValueBuilder().(*array.StringBuilder).AppendNull()
		mb := b.Field(14).(*array.MapBuilder)
		mb.Append(true)
		mb.KeyBuilder().(*array.StringBuilder).Append(strs[k])
		mb.ItemBuilder().(*array.Int64Builder).Append(i64s[k])
		b.Field(15).AppendNull()
	}
	return b.NewRecordBatch()
}

// argChoices are the arguments tried at each position: every column and
// a few literals.
func argChoices() []*plan.Expr {
	var out []*plan.Expr
	for _, f := range nastySchema.Fields() {
		out = append(out, col(f.Name))
	}
	return append(out, lit(1), lit(int64(-1)), lit("a.*"), lit("hour"), lit(nil), lit(1.5), lit(true))
}

// TestEveryFunctionSurvivesBadInput resolves every op with every argument
// combination up to its arity (two for variadic ops) and evaluates what
// resolves on an empty batch and on a batch of extremes and nulls: no
// panic, the right row count, and nothing leaked.
func TestEveryFunctionSurvivesBadInput(t *testing.T) {
	if testing.Short() {
		t.Skip("exhaustive")
	}
	mem := checked(t)
	empty := nastyRows(t, mem, 0)
	defer empty.Release()
	full := nastyRows(t, mem, 10)
	defer full.Release()
	choices := argChoices()
	resolved := 0
	for _, op := range plan.KnownOps() {
		minA, maxA, _ := plan.OpArity(op)
		if maxA < 0 || maxA > 3 {
			maxA = max(minA, 2)
		}
		for n := minA; n <= maxA; n++ {
			forEachArgs(choices, n, func(args []*plan.Expr) {
				e := &plan.Expr{Op: op, Args: append([]*plan.Expr(nil), args...)}
				switch op {
				case plan.OpCol:
					e.Name = "s"
				case plan.OpLit:
					e = lit(int64(3))
				case plan.OpAlias, plan.OpUDF:
					e.Name = "x"
				case plan.OpCast:
					e.Type = &plan.Type{DataType: arrow.PrimitiveTypes.Int32}
				case plan.OpFromJSON:
					e.Type = &plan.Type{DataType: arrow.StructOf(arrow.Field{Name: "a", Type: arrow.PrimitiveTypes.Int64, Nullable: true})}
				}
				r := &Resolver{Schema: nastySchema, Where: "Select"}
				x, err := r.Resolve(e)
				if err != nil {
					return
				}
				resolved++
				for _, rec := range []arrow.RecordBatch{empty, full} {
					evalSafely(t, mem, x, rec, op)
				}
			})
		}
	}
	if resolved < 1000 {
		t.Fatalf("only %d expressions resolved; the test is not exercising much", resolved)
	}
}

func evalSafely(t *testing.T, _ memory.Allocator, x Expr, rec arrow.RecordBatch, op string) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("%s (%s) panicked on %d rows: %v", x.Name(), op, rec.NumRows(), p)
		}
		if n := mem.CurrentAlloc(); n != 0 {
			t.Fatalf("%s (%s) leaked %d bytes on %d rows", x.Name(), op, n, rec.NumRows())
		}
	}()
	c := NewCtx(context.Background(), mem, 0)
	out, err := x.Eval(c, rec)
	if err != nil {
		return // a data error (FAILFAST, a UDF) is an answer, not a crash
	}
	defer out.Release()
	if out.Len() != int(rec.NumRows()) || !arrow.TypeEqual(out.DataType(), x.Type()) {
		t.Fatalf("%s: %d rows of %s for %d rows, resolved as %s", x.Name(), out.Len(), out.DataType(), rec.NumRows(), x.Type())
	}
}

// forEachArgs calls fn with every n-tuple of choices.
func forEachArgs(choices []*plan.Expr, n int, fn func([]*plan.Expr)) {
	args := make([]*plan.Expr, n)
	var rec func(i int)
	rec = func(i int) {
		if i == n {
			fn(args)
			return
		}
		for _, c := range choices {
			args[i] = c
			rec(i + 1)
		}
	}
	rec(0)
}
