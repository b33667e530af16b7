package expr

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"

	"github.com/spate-io/spate/engine/plan"
)

func init() {
	register(resolveBoolOp, "and", "or", "not")
	register(resolveNullTest, "is_null", "is_not_null")
	register(resolveIsNaN, "is_nan")
	register(resolveIn, "in")
	register(resolveBetween, "between")
}

func boolArgs(r *Resolver, op string, args []Expr) ([]Expr, error) {
	out := make([]Expr, len(args))
	for i, a := range args {
		switch {
		case isBool(a.Type()):
			out[i] = a
		case isNull(a.Type()):
			out[i] = coerce(a, arrow.FixedWidthTypes.Boolean)
		default:
			return nil, analysisf("%s needs booleans in %s, got %s", opSymbol(op), r.Where, describe(a))
		}
	}
	return out, nil
}

// resolveBoolOp: AND and OR use three-valued (Kleene) logic as SQL does:
// false AND null is false, true OR null is true.
func resolveBoolOp(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	args, err := boolArgs(r, e.Op, args)
	if err != nil {
		return nil, err
	}
	bt := arrow.FixedWidthTypes.Boolean
	switch e.Op {
	case "and":
		return &computeExpr{name: "and", fn: "and_kleene", args: args, dt: bt, infix: "AND"}, nil
	case "or":
		return &computeExpr{name: "or", fn: "or_kleene", args: args, dt: bt, infix: "OR"}, nil
	}
	return &computeExpr{name: "NOT", fn: "not", args: args, dt: bt, infix: "NOT"}, nil
}

// resolveNullTest: compute's is_null / is_not_null; NaN is not null.
func resolveNullTest(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	if isNull(args[0].Type()) {
		v, _ := makeLiteral(arrow.FixedWidthTypes.Boolean, e.Op == "is_null")
		return &Alias{in: v, name: callName(nullTestName[e.Op], args)}, nil
	}
	return &computeExpr{name: nullTestName[e.Op], fn: e.Op, args: args, dt: arrow.FixedWidthTypes.Boolean}, nil
}

var nullTestName = map[string]string{"is_null": "isnull", "is_not_null": "isnotnull"}

func resolveIsNaN(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	if !isFloating(args[0].Type()) {
		if isNumeric(args[0].Type()) || isNull(args[0].Type()) {
			v, _ := makeLiteral(arrow.FixedWidthTypes.Boolean, false)
			return &Alias{in: v, name: callName("isnan", args)}, nil
		}
		return nil, analysisf("isnan needs a number in %s, got %s", r.Where, describe(args[0]))
	}
	return &computeExpr{name: "isnan", fn: "is_nan", args: args, dt: arrow.FixedWidthTypes.Boolean}, nil
}

// resolveBetween is x >= lo AND x <= hi, as Spark rewrites it.
func resolveBetween(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	ge, err := resolveCompare(r, &plan.Expr{Op: "ge"}, []Expr{args[0], args[1]})
	if err != nil {
		return nil, err
	}
	le, err := resolveCompare(r, &plan.Expr{Op: "le"}, []Expr{args[0], args[2]})
	if err != nil {
		return nil, err
	}
	and := &computeExpr{name: "and", fn: "and_kleene", args: []Expr{ge, le}, dt: arrow.FixedWidthTypes.Boolean, infix: "AND"}
	return &Alias{in: and, name: "(" + args[0].Name() + " BETWEEN " + args[1].Name() + " AND " + args[2].Name() + ")"}, nil
}

// resolveIn: x IN (v1, v2, ...). With literal values it is compute's
// is_in over the value set; otherwise x = v1 OR x = v2 ... Either way SQL's
// nulls: null IN (...) is null, and a miss is null when the list holds a
// null.
func resolveIn(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	x, vals := args[0], args[1:]
	name := x.Name() + " IN (" + joinNames(vals) + ")"
	if len(vals) == 0 {
		f, _ := makeLiteral(arrow.FixedWidthTypes.Boolean, false)
		return &Alias{in: f, name: name}, nil
	}
	allLit := true
	for _, v := range vals {
		if _, ok := v.(*Literal); !ok {
			allLit = false
		}
	}
	unified, dt, err := unify(args)
	if err != nil || !comparable(dt) {
		return nil, analysisf("IN cannot compare %s with its values in %s; cast with Cast", describe(x), r.Where)
	}
	if !allLit || isNull(dt) {
		var or Expr
		for _, v := range unified[1:] {
			eq, err := resolveCompare(r, &plan.Expr{Op: "eq"}, []Expr{unified[0], v})
			if err != nil {
				return nil, err
			}
			if or == nil {
				or = eq
			} else {
				or = &computeExpr{name: "or", fn: "or_kleene", args: []Expr{or, eq}, dt: arrow.FixedWidthTypes.Boolean, infix: "OR"}
			}
		}
		return &Alias{in: or, name: name}, nil
	}
	return newInSet(r, unified[0], unified[1:], name)
}

func joinNames(es []Expr) string {
	s := ""
	for i, e := range es {
		if i > 0 {
			s += ", "
		}
		s += e.Name()
	}
	return s
}

// inSet is IN over literal values, with compute's is_in.
type inSet struct {
	x       Expr
	set     arrow.Array // the non-null values, of x's type
	hasNull bool
	name    string
}

// newInSet evaluates the (coerced) literal values once, at resolution.
func newInSet(r *Resolver, x Expr, vals []Expr, name string) (Expr, error) {
	set, err := constantArray(vals)
	if err != nil {
		return nil, analysisf("IN values in %s: %v", r.Where, err)
	}
	return &inSet{x: x, set: set, hasNull: set.NullN() > 0, name: name}, nil
}

func (s *inSet) Type() arrow.DataType { return arrow.FixedWidthTypes.Boolean }
func (s *inSet) Name() string         { return s.name }

func (s *inSet) Eval(c *Ctx, rec arrow.RecordBatch) (arrow.Array, error) {
	x, err := s.x.Eval(c, rec)
	if err != nil {
		return nil, err
	}
	defer x.Release()
	n := x.Len()
	if n == 0 { // compute's is_in leaks its output buffers on empty input
		return array.MakeArrayOfNull(c.Mem, arrow.FixedWidthTypes.Boolean, 0), nil
	}
	xd := compute.NewDatum(x)
	defer xd.Release()
	set := compute.NewDatum(s.set)
	defer set.Release()
	res, err := compute.IsIn(c.Context, compute.SetOptions{ValueSet: set, NullBehavior: compute.NullMatchingSkip}, xd)
	if err != nil {
		return nil, errorf("IN: %v", err)
	}
	found, err := datumToArray(c, res, n)
	if err != nil {
		return nil, err
	}
	defer found.Release()
	fb := found.(*array.Boolean)
	o := newBoolOut(c.Mem, n)
	for i := 0; i < n; i++ {
		switch {
		case x.IsNull(i):
			o.null(i)
		case fb.Value(i):
			o.set(i, true)
		case s.hasNull:
			o.null(i)
		}
	}
	return o.array(), nil
}
