package expr

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/spate-io/spate/engine/plan"
)

var compareFn = map[string]string{
	"eq": "equal", "ne": "not_equal", "lt": "less", "le": "less_equal",
	"gt": "greater", "ge": "greater_equal",
}

func init() {
	register(resolveCompare, "eq", "ne", "lt", "le", "gt", "ge")
	register(resolveEqNullSafe, "eq_null_safe")
}

// comparable types are those compute compares and Spark orders.
func comparable(dt arrow.DataType) bool {
	return isNumeric(dt) || isStringOrBinary(dt) || isBool(dt) || isTimestamp(dt) || isDate(dt) || isNull(dt)
}

func compareOperands(r *Resolver, op string, args []Expr) ([]Expr, error) {
	out, dt, err := unify(args)
	if err != nil || !comparable(dt) {
		return nil, analysisf("%q cannot compare %s with %s in %s; cast one side with Cast", opSymbol(op), describe(args[0]), describe(args[1]), r.Where)
	}
	if isNull(dt) {
		for i := range out {
			out[i] = coerce(out[i], arrow.PrimitiveTypes.Int32)
		}
	}
	return out, nil
}

func resolveCompare(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	args, err := compareOperands(r, e.Op, args)
	if err != nil {
		return nil, err
	}
	return &computeExpr{name: e.Op, fn: compareFn[e.Op], args: args, dt: arrow.FixedWidthTypes.Boolean, infix: infix[e.Op]}, nil
}

// resolveEqNullSafe is Spark's <=>: null <=> null is true, null <=> x is
// false. compute's equal gives null for both, so its result is patched
// with the operands' validity.
func resolveEqNullSafe(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	args, err := compareOperands(r, e.Op, args)
	if err != nil {
		return nil, err
	}
	return &binaryFn{name: "<=>", args: args, dt: arrow.FixedWidthTypes.Boolean, k: eqNullSafeKernel}, nil
}

func eqNullSafeKernel(c *Ctx, n int, in []arrow.Array) (arrow.Array, error) {
	eqArr, err := callOnArrays(c, "equal", nil, n, in[0], in[1])
	if err != nil {
		return nil, errorf("<=>: %v", err)
	}
	defer eqArr.Release()
	eq := eqArr.(*array.Boolean)
	o := newBoolOut(c.Mem, n)
	for i := 0; i < n; i++ {
		an, bn := in[0].IsNull(i), in[1].IsNull(i)
		if an || bn {
			o.set(i, an && bn)
			continue
		}
		o.set(i, eq.Value(i))
	}
	return o.array(), nil
}
