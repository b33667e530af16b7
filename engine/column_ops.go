package engine

import (
	"fmt"

	"github.com/spate-io/spate/engine/plan"
)

// Arithmetic. Numbers widen to the wider type (int32 + int64 is int64);
// integers wrap on overflow; Div always divides as float64 and, like Mod,
// gives null for a zero divisor (Spark's non-ANSI semantics).

// Add is c + v.
func (c Column) Add(v any) Column { return call("add", c, v) }

// Sub is c - v.
func (c Column) Sub(v any) Column { return call("subtract", c, v) }

// Mul is c * v.
func (c Column) Mul(v any) Column { return call("multiply", c, v) }

// Div is c / v as float64.
func (c Column) Div(v any) Column { return call("divide", c, v) }

// Mod is c % v, with the sign of c.
func (c Column) Mod(v any) Column { return call("mod", c, v) }

// Negate is -c.
func (c Column) Negate() Column { return call("negate", c) }

// Comparisons give null when either side is null.

// Eq is c = v.
func (c Column) Eq(v any) Column { return call("eq", c, v) }

// Ne is c != v.
func (c Column) Ne(v any) Column { return call("ne", c, v) }

// Lt is c < v.
func (c Column) Lt(v any) Column { return call("lt", c, v) }

// Le is c <= v.
func (c Column) Le(v any) Column { return call("le", c, v) }

// Gt is c > v.
func (c Column) Gt(v any) Column { return call("gt", c, v) }

// Ge is c >= v.
func (c Column) Ge(v any) Column { return call("ge", c, v) }

// EqNullSafe is c <=> v: true when both are null, false when one is.
func (c Column) EqNullSafe(v any) Column { return call("eq_null_safe", c, v) }

// And is c AND v with SQL's three-valued logic.
func (c Column) And(v any) Column { return call("and", c, v) }

// Or is c OR v with SQL's three-valued logic.
func (c Column) Or(v any) Column { return call("or", c, v) }

// Not is NOT c.
func (c Column) Not() Column { return call("not", c) }

// IsNull is true where c is null.
func (c Column) IsNull() Column { return call("is_null", c) }

// IsNotNull is true where c is not null.
func (c Column) IsNotNull() Column { return call("is_not_null", c) }

// IsNaN is true where c is NaN.
func (c Column) IsNaN() Column { return call("is_nan", c) }

// In is c IN (values...): null when c is null, or when nothing matches and
// the values hold a null.
func (c Column) In(values ...any) Column { return call("in", append([]any{c}, values...)...) }

// Between is lo <= c AND c <= hi.
func (c Column) Between(lo, hi any) Column { return call("between", c, lo, hi) }

// Like is c LIKE pattern: '_' is one character, '%' any sequence, '\'
// escapes.
func (c Column) Like(pattern string) Column { return call("like", c, pattern) }

// RLike matches c against a regular expression (RE2 syntax).
func (c Column) RLike(pattern string) Column { return call("rlike", c, pattern) }

// Contains is true where c contains s.
func (c Column) Contains(s any) Column { return call("contains", c, s) }

// StartsWith is true where c starts with s.
func (c Column) StartsWith(s any) Column { return call("starts_with", c, s) }

// EndsWith is true where c ends with s.
func (c Column) EndsWith(s any) Column { return call("ends_with", c, s) }

// Substr is Substring(c, pos, length).
func (c Column) Substr(pos, length int) Column { return Substring(c, pos, length) }

// When adds a branch to a When(...) column: where cond holds (and no
// earlier branch did), the value is value.
func (c Column) When(cond, value any) Column {
	if c.err != nil {
		return c
	}
	if c.expr == nil || c.expr.Op != plan.OpCaseWhen || len(c.expr.Args)%2 == 1 {
		return Column{err: fmt.Errorf("engine: When can only follow When(...) or another When, before Otherwise")}
	}
	next := call(plan.OpCaseWhen, cond, value)
	if next.err != nil {
		return next
	}
	return Column{expr: &plan.Expr{Op: plan.OpCaseWhen, Args: append(append([]*plan.Expr(nil), c.expr.Args...), next.expr.Args...)}}
}

// Otherwise is the value of a When(...) column where no branch holds;
// without it, that value is null.
func (c Column) Otherwise(value any) Column {
	if c.err != nil {
		return c
	}
	if c.expr == nil || c.expr.Op != plan.OpCaseWhen || len(c.expr.Args)%2 == 1 {
		return Column{err: fmt.Errorf("engine: Otherwise can only follow When(...), once")}
	}
	v := col(value)
	if v.err != nil {
		return v
	}
	return Column{expr: &plan.Expr{Op: plan.OpCaseWhen, Args: append(append([]*plan.Expr(nil), c.expr.Args...), v.expr)}}
}
