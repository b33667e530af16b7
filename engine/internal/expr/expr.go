package expr

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/compute/exec"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Expr is a resolved, typed expression.
type Expr interface {
	// Type is the type of the values Eval returns.
	Type() arrow.DataType
	// Name is the output column name Spark would give the expression
	// unaliased: the column's name, or the expression's SQL text.
	Name() string
	// Eval computes the expression for every row of rec. The result has
	// rec.NumRows() rows and belongs to the caller.
	Eval(c *Ctx, rec arrow.RecordBatch) (arrow.Array, error)
}

// Ctx is what expressions need while evaluating one batch. An operator
// makes one per batch with NewCtx.
type Ctx struct {
	// Context carries cancellation and Mem for compute kernels.
	Context context.Context
	// Mem allocates every output buffer.
	Mem memory.Allocator
	// NowMicros is the batch's time (CurrentTimestamp), in microseconds.
	NowMicros int64
	// Locate describes where row i of the batch came from ("clicks-3
	// offset 1234") for errors; nil or "" when unknown.
	Locate func(row int) string

	drop      []bool
	malformed int64
}

// NewCtx makes an evaluation context whose compute calls allocate from mem.
func NewCtx(ctx context.Context, mem memory.Allocator, nowMicros int64) *Ctx {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	return &Ctx{Context: exec.WithAllocator(ctx, mem), Mem: mem, NowMicros: nowMicros}
}

// MarkDrop marks row i of a batch of n rows to be dropped by the operator
// evaluating the expression (DROPMALFORMED).
func (c *Ctx) MarkDrop(i, n int) {
	if c.drop == nil {
		c.drop = make([]bool, n)
	}
	c.drop[i] = true
}

// TakeDrops returns the rows marked for dropping since the last call (nil
// when none) and clears them.
func (c *Ctx) TakeDrops() []bool {
	d := c.drop
	c.drop = nil
	return d
}

// CountMalformed adds n to the batch's count of malformed records.
func (c *Ctx) CountMalformed(n int) { c.malformed += int64(n) }

// Malformed is the number of malformed records seen so far.
func (c *Ctx) Malformed() int64 { return c.malformed }

func (c *Ctx) locate(row int) string {
	if c.Locate == nil {
		return ""
	}
	return c.Locate(row)
}

// datum evaluates e as a compute argument: a literal stays a scalar (so
// kernels take their scalar fast paths), anything else becomes an array.
func datum(c *Ctx, e Expr, rec arrow.RecordBatch) (compute.Datum, error) {
	// A null literal goes in as an array: some compute kernels index a
	// null scalar's (absent) data and panic.
	if l, ok := e.(*Literal); ok && !l.IsNull() {
		// NewDatum retains a buffer-backed scalar, so releasing the datum
		// leaves the literal intact.
		return compute.NewDatum(l.scalar), nil
	}
	arr, err := e.Eval(c, rec)
	if err != nil {
		return nil, err
	}
	// The datum holds its own reference to the data; ours goes.
	d := compute.NewDatum(arr)
	arr.Release()
	return d, nil
}

// evalAll evaluates exprs in order, releasing what was made when one fails.
func evalAll(c *Ctx, exprs []Expr, rec arrow.RecordBatch) ([]arrow.Array, error) {
	out := make([]arrow.Array, 0, len(exprs))
	for _, e := range exprs {
		a, err := e.Eval(c, rec)
		if err != nil {
			releaseAll(out)
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

func releaseAll(arrs []arrow.Array) {
	for _, a := range arrs {
		if a != nil {
			a.Release()
		}
	}
}

// callArray runs a compute function and returns its array result.
func callArray(c *Ctx, fn string, opts compute.FunctionOptions, n int, args ...compute.Datum) (arrow.Array, error) {
	out, err := compute.CallFunction(c.Context, fn, opts, args...)
	if err != nil {
		return nil, err
	}
	return datumToArray(c, out, n)
}

// datumToArray turns a compute result into an array of n rows, releasing
// the datum.
func datumToArray(c *Ctx, d compute.Datum, n int) (arrow.Array, error) {
	defer d.Release()
	switch v := d.(type) {
	case *compute.ArrayDatum:
		return v.MakeArray(), nil
	case *compute.ScalarDatum:
		return broadcast(c, v.Value, n)
	}
	return nil, errorf("unexpected compute result %s", d.Kind())
}

func releaseDatums(ds []compute.Datum) {
	for _, d := range ds {
		if d != nil {
			d.Release()
		}
	}
}

// callOnArrays runs a compute function over arrays the caller keeps.
func callOnArrays(c *Ctx, fn string, opts compute.FunctionOptions, n int, arrs ...arrow.Array) (arrow.Array, error) {
	ds := make([]compute.Datum, len(arrs))
	for i, a := range arrs {
		ds[i] = compute.NewDatum(a) // retains a; released below
	}
	defer releaseDatums(ds)
	return callArray(c, fn, opts, n, ds...)
}

// Nullable says whether e may produce nulls: a column as its schema says,
// a literal when it is null, anything else conservatively yes.
func Nullable(e Expr) bool {
	switch x := e.(type) {
	case *Column:
		return x.nullable
	case *Alias:
		return Nullable(x.in)
	case *Literal:
		return x.IsNull()
	case currentTimestamp:
		return false
	}
	return true
}

// ColumnAt is a reference to top-level column i of schema.
func ColumnAt(schema *arrow.Schema, i int) Expr {
	f := schema.Field(i)
	return &Column{index: i, name: f.Name, dt: f.Type, nullable: f.Nullable}
}

// CastTo converts e to dt with an implicit cast (one that keeps e's name),
// or fails when there is no such cast.
func CastTo(e Expr, dt arrow.DataType) (Expr, error) {
	if arrow.TypeEqual(e.Type(), dt) {
		return e, nil
	}
	if _, err := castKernelFor(e.Type(), dt); err != nil {
		return nil, err
	}
	return coerce(e, dt), nil
}

// CommonType is the type two values widen to for a union, or false when
// there is none.
func CommonType(a, b arrow.DataType) (arrow.DataType, bool) { return commonType(a, b) }

// Rename gives e another output name.
func Rename(e Expr, name string) Expr { return &Alias{in: e, name: name} }

// TypeName is the plan name of a type, for messages.
func TypeName(dt arrow.DataType) string { return typeName(dt) }

// Describe names an expression and its type, for messages.
func Describe(e Expr) string { return describe(e) }

// Analysisf makes an analysis error (errors.Is ErrAnalysis); the message
// gets the "engine: " prefix.
func Analysisf(format string, args ...any) error { return analysisf(format, args...) }
