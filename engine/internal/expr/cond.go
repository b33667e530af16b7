package expr

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"

	"github.com/spate-io/spate/engine/plan"
)

// Coalesce and CASE WHEN choose, per row, which argument to take.
// arrow-go's compute has neither coalesce nor case_when (nor if_else), so
// they are built from its generic parts: the candidate arrays are
// concatenated and compute's take picks row i of candidate k at k*n+i,
// which works for every type, nested ones included.

func init() {
	register(resolveCoalesce, "coalesce")
	register(resolveCaseWhen, plan.OpCaseWhen)
}

func resolveCoalesce(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	vals, dt, err := unify(args)
	if err != nil {
		return nil, analysisf("coalesce in %s: %v; cast the arguments to one type", r.Where, err)
	}
	return &chooseExpr{name: callName("coalesce", args), vals: vals, dt: dt}, nil
}

func resolveCaseWhen(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	var conds, vals []Expr
	for i := 0; i+1 < len(args); i += 2 {
		c := args[i]
		if !isBool(c.Type()) && !isNull(c.Type()) {
			return nil, analysisf("CASE WHEN condition %d must be boolean in %s, got %s", i/2+1, r.Where, describe(c))
		}
		conds = append(conds, coerce(c, arrow.FixedWidthTypes.Boolean))
		vals = append(vals, args[i+1])
	}
	hasElse := len(args)%2 == 1
	if hasElse {
		vals = append(vals, args[len(args)-1])
	}
	vals, dt, err := unify(vals)
	if err != nil {
		return nil, analysisf("CASE WHEN branches in %s: %v; cast them to one type", r.Where, err)
	}
	var b strings.Builder
	b.WriteString("CASE")
	for i, c := range conds {
		b.WriteString(" WHEN " + c.Name() + " THEN " + vals[i].Name())
	}
	if hasElse {
		b.WriteString(" ELSE " + vals[len(vals)-1].Name())
	}
	b.WriteString(" END")
	return &chooseExpr{name: b.String(), conds: conds, vals: vals, hasElse: hasElse, dt: dt}, nil
}

// chooseExpr is coalesce (no conds: the first non-null value) or CASE
// WHEN (the value of the first true condition, else the else value or
// null).
type chooseExpr struct {
	name    string
	conds   []Expr
	vals    []Expr
	hasElse bool
	dt      arrow.DataType
}

func (x *chooseExpr) Type() arrow.DataType { return x.dt }
func (x *chooseExpr) Name() string         { return x.name }

func (x *chooseExpr) Eval(c *Ctx, rec arrow.RecordBatch) (arrow.Array, error) {
	n := int(rec.NumRows())
	vals, err := evalAll(c, x.vals, rec)
	if err != nil {
		return nil, err
	}
	defer releaseAll(vals)
	conds, err := evalAll(c, x.conds, rec)
	if err != nil {
		return nil, err
	}
	defer releaseAll(conds)
	idx := x.pick(c, n, vals, conds)
	defer idx.Release()
	all, err := array.Concatenate(vals, c.Mem)
	if err != nil {
		return nil, errorf("%s: %v", x.name, err)
	}
	defer all.Release()
	out, err := compute.TakeArray(c.Context, all, idx)
	if err != nil {
		return nil, errorf("%s: %v", x.name, err)
	}
	return out, nil
}

// pick computes the take indices: k*n+i for candidate k of row i, null
// where no candidate applies.
func (x *chooseExpr) pick(c *Ctx, n int, vals, conds []arrow.Array) arrow.Array {
	o := newFixedOut[int64](c.Mem, n, 8)
	for i := 0; i < n; i++ {
		k := -1
		if x.conds == nil {
			for j, v := range vals {
				if v.IsValid(i) {
					k = j
					break
				}
			}
		} else {
			for j, cd := range conds {
				if b := cd.(*array.Boolean); b.IsValid(i) && b.Value(i) {
					k = j
					break
				}
			}
			if k < 0 && x.hasElse {
				k = len(vals) - 1
			}
		}
		if k < 0 {
			o.null(i)
			continue
		}
		o.vals[i] = int64(k*n + i)
	}
	return o.array(arrow.PrimitiveTypes.Int64)
}
