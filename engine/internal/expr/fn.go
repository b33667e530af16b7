package expr

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/compute"
)

// kernel computes a function over its evaluated arguments, n rows each.
// It must not release its inputs.
type kernel func(c *Ctx, n int, in []arrow.Array) (arrow.Array, error)

// fnExpr is a function evaluated by a hand-written kernel over arrays.
type fnExpr struct {
	name string
	args []Expr
	dt   arrow.DataType
	k    kernel
}

func (f *fnExpr) Type() arrow.DataType { return f.dt }
func (f *fnExpr) Name() string         { return callName(f.name, f.args) }

func (f *fnExpr) Eval(c *Ctx, rec arrow.RecordBatch) (arrow.Array, error) {
	in, err := evalAll(c, f.args, rec)
	if err != nil {
		return nil, err
	}
	defer releaseAll(in)
	return f.k(c, int(rec.NumRows()), in)
}

// computeExpr is a function arrow/compute implements.
type computeExpr struct {
	name  string // display name
	fn    string // compute function
	opts  compute.FunctionOptions
	args  []Expr
	dt    arrow.DataType
	infix string // operator for display, "" for a call
}

func (f *computeExpr) Type() arrow.DataType { return f.dt }

func (f *computeExpr) Name() string {
	if f.infix != "" && len(f.args) == 2 {
		return "(" + f.args[0].Name() + " " + f.infix + " " + f.args[1].Name() + ")"
	}
	if f.infix != "" && len(f.args) == 1 {
		return "(" + f.infix + " " + f.args[0].Name() + ")"
	}
	return callName(f.name, f.args)
}

func (f *computeExpr) Eval(c *Ctx, rec arrow.RecordBatch) (arrow.Array, error) {
	ds := make([]compute.Datum, 0, len(f.args))
	defer func() { releaseDatums(ds) }()
	for _, a := range f.args {
		d, err := datum(c, a, rec)
		if err != nil {
			return nil, err
		}
		ds = append(ds, d)
	}
	out, err := callArray(c, f.fn, f.opts, int(rec.NumRows()), ds...)
	if err != nil {
		return nil, errorf("%s: %v", f.Name(), err)
	}
	return out, nil
}

// callName is Spark's display of a call: "upper(name)".
func callName(fn string, args []Expr) string {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = a.Name()
	}
	return fn + "(" + strings.Join(parts, ", ") + ")"
}
