package expr

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/spate-io/spate/engine/plan"
)

var infix = map[string]string{
	"add": "+", "subtract": "-", "multiply": "*", "divide": "/", "mod": "%",
	"eq": "=", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">=",
	"eq_null_safe": "<=>", "and": "AND", "or": "OR",
}

func init() {
	register(resolveArith, "add", "subtract", "multiply")
	register(resolveDivide, "divide")
	register(resolveMod, "mod")
	register(resolveUnaryNumeric, "negate", "abs")
}

// numericOperands checks and widens the operands of an arithmetic op.
func numericOperands(r *Resolver, op string, args []Expr) ([]Expr, arrow.DataType, error) {
	for _, a := range args {
		if !isNumeric(a.Type()) && !isNull(a.Type()) {
			if len(args) == 2 {
				return nil, nil, analysisf("%q needs numbers in %s, got %s and %s; cast with Cast", opSymbol(op), r.Where, describe(args[0]), describe(args[1]))
			}
			return nil, nil, analysisf("%s needs a number in %s, got %s", op, r.Where, describe(a))
		}
	}
	out, dt, err := unify(args)
	if err != nil {
		return nil, nil, analysisf("%s in %s: %v", op, r.Where, err)
	}
	if isNull(dt) { // null + null: Spark types it as the default numeric
		dt = arrow.PrimitiveTypes.Int32
		for i := range out {
			out[i] = coerce(out[i], dt)
		}
	}
	return out, dt, nil
}

func opSymbol(op string) string {
	if s, ok := infix[op]; ok {
		return s
	}
	return op
}

// resolveArith: + - * wrap on overflow as Spark's non-ANSI arithmetic does,
// which is compute's *_unchecked.
func resolveArith(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	args, dt, err := numericOperands(r, e.Op, args)
	if err != nil {
		return nil, err
	}
	return &computeExpr{name: e.Op, fn: e.Op + "_unchecked", args: args, dt: dt, infix: infix[e.Op]}, nil
}

func resolveUnaryNumeric(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	args, dt, err := numericOperands(r, e.Op, args)
	if err != nil {
		return nil, err
	}
	if e.Op == "negate" {
		return &computeExpr{name: e.Op, fn: "negate_unchecked", args: args, dt: dt, infix: "-"}, nil
	}
	return &computeExpr{name: e.Op, fn: "abs_unchecked", args: args, dt: dt}, nil
}

// resolveDivide: Spark's "/" divides as doubles and gives null for a zero
// divisor. compute's divide gives ±Inf or NaN there, hence a kernel.
func resolveDivide(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	args, _, err := numericOperands(r, e.Op, args)
	if err != nil {
		return nil, err
	}
	f64 := arrow.PrimitiveTypes.Float64
	args = []Expr{coerce(args[0], f64), coerce(args[1], f64)}
	return &binaryFn{name: "/", args: args, dt: f64, k: divideKernel}, nil
}

func divideKernel(c *Ctx, n int, in []arrow.Array) (arrow.Array, error) {
	a, b := valuesOf[float64](in[0]), valuesOf[float64](in[1])
	o := newFixedOut[float64](c.Mem, n, 8)
	for i := range o.vals {
		if in[0].IsNull(i) || in[1].IsNull(i) || b[i] == 0 {
			o.null(i)
			continue
		}
		o.vals[i] = a[i] / b[i]
	}
	return o.array(arrow.PrimitiveTypes.Float64), nil
}

// resolveMod: Spark's "%" keeps the dividend's sign and gives null for a
// zero divisor; compute has no modulo kernel.
func resolveMod(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	args, dt, err := numericOperands(r, e.Op, args)
	if err != nil {
		return nil, err
	}
	return &binaryFn{name: "%", args: args, dt: dt, k: modKernel}, nil
}

func modKernel(c *Ctx, n int, in []arrow.Array) (arrow.Array, error) {
	switch in[0].DataType().ID() {
	case arrow.INT8:
		return modInt[int8](c, n, in, 1), nil
	case arrow.INT16:
		return modInt[int16](c, n, in, 2), nil
	case arrow.INT32:
		return modInt[int32](c, n, in, 4), nil
	case arrow.INT64:
		return modInt[int64](c, n, in, 8), nil
	case arrow.UINT8:
		return modInt[uint8](c, n, in, 1), nil
	case arrow.UINT16:
		return modInt[uint16](c, n, in, 2), nil
	case arrow.UINT32:
		return modInt[uint32](c, n, in, 4), nil
	case arrow.UINT64:
		return modInt[uint64](c, n, in, 8), nil
	case arrow.FLOAT32:
		return modFloat[float32](c, n, in, 4), nil
	}
	return modFloat[float64](c, n, in, 8), nil
}

func modInt[T arrow.IntType | arrow.UintType](c *Ctx, n int, in []arrow.Array, width int) arrow.Array {
	a, b := valuesOf[T](in[0]), valuesOf[T](in[1])
	o := newFixedOut[T](c.Mem, n, width)
	for i := range o.vals {
		if in[0].IsNull(i) || in[1].IsNull(i) || b[i] == 0 {
			o.null(i)
			continue
		}
		o.vals[i] = a[i] % b[i] // Go's % truncates like Java's, min % -1 is 0
	}
	return o.array(in[0].DataType())
}

func modFloat[T float32 | float64](c *Ctx, n int, in []arrow.Array, width int) arrow.Array {
	a, b := valuesOf[T](in[0]), valuesOf[T](in[1])
	o := newFixedOut[T](c.Mem, n, width)
	for i := range o.vals {
		if in[0].IsNull(i) || in[1].IsNull(i) || b[i] == 0 {
			o.null(i)
			continue
		}
		o.vals[i] = T(math.Mod(float64(a[i]), float64(b[i])))
	}
	return o.array(in[0].DataType())
}

// binaryFn is an infix operator evaluated by a hand-written kernel.
type binaryFn struct {
	name string
	args []Expr
	dt   arrow.DataType
	k    kernel
}

func (f *binaryFn) Type() arrow.DataType { return f.dt }
func (f *binaryFn) Name() string {
	return "(" + f.args[0].Name() + " " + f.name + " " + f.args[1].Name() + ")"
}

func (f *binaryFn) Eval(c *Ctx, rec arrow.RecordBatch) (arrow.Array, error) {
	in, err := evalAll(c, f.args, rec)
	if err != nil {
		return nil, err
	}
	defer releaseAll(in)
	return f.k(c, int(rec.NumRows()), in)
}
