package plan

import (
	"encoding/json"
	"maps"
	"slices"
)

// Expr is one expression node. Op says what it is; which other fields are
// set depends on Op:
//
//	col      Name is the column path as written ("a", "a.b", "a.*", "`a.b`")
//	lit      Type and Value (absent Value is null); see Literal
//	alias    Name is the output name, Args[0] the aliased expression
//	cast     Type is the target type, Args[0] the input
//	from_json Type is the schema (a struct), Options the JSON options
//	udf      Name is the registered UDF, Args its arguments
//
// Every other op is a function of Args; function parameters that Spark
// takes as constants (a pattern, a unit, a position) are lit arguments.
type Expr struct {
	Op      string            `json:"op"`
	Name    string            `json:"name,omitempty"`
	Type    *Type             `json:"type,omitempty"`
	Value   json.RawMessage   `json:"value,omitempty"`
	Options map[string]string `json:"options,omitempty"`
	Args    []*Expr           `json:"args,omitempty"`
}

// Expression ops that are not plain functions.
const (
	OpCol      = "col"
	OpLit      = "lit"
	OpAlias    = "alias"
	OpCast     = "cast"
	OpFromJSON = "from_json"
	OpUDF      = "udf"
	// OpCaseWhen's args are condition, value pairs, then an optional else.
	OpCaseWhen = "case_when"
)

// arity is how many arguments an op takes; max -1 means any number.
type arity struct{ min, max int }

// ops is every expression op a plan may hold. The engine implements each
// (its tests check the two lists agree); an op missing here is rejected by
// Unmarshal with its name.
var ops = map[string]arity{
	OpCol: {0, 0}, OpLit: {0, 0}, OpAlias: {1, 1}, OpCast: {1, 1},
	OpFromJSON: {1, 1}, OpUDF: {0, -1}, OpCaseWhen: {2, -1},

	"add": {2, 2}, "subtract": {2, 2}, "multiply": {2, 2}, "divide": {2, 2},
	"mod": {2, 2}, "negate": {1, 1}, "abs": {1, 1},

	"eq": {2, 2}, "ne": {2, 2}, "lt": {2, 2}, "le": {2, 2}, "gt": {2, 2},
	"ge": {2, 2}, "eq_null_safe": {2, 2},
	"and": {2, 2}, "or": {2, 2}, "not": {1, 1},
	"is_null": {1, 1}, "is_not_null": {1, 1}, "is_nan": {1, 1},
	"in": {1, -1}, "between": {3, 3}, "like": {2, 2}, "rlike": {2, 2},
	"coalesce": {1, -1},

	"lower": {1, 1}, "upper": {1, 1}, "trim": {1, 1}, "ltrim": {1, 1},
	"rtrim": {1, 1}, "substring": {2, 3}, "concat": {1, -1},
	"concat_ws": {2, -1}, "split": {2, 3}, "regexp_extract": {3, 3},
	"regexp_replace": {3, 3}, "length": {1, 1}, "starts_with": {2, 2},
	"ends_with": {2, 2}, "contains": {2, 2},

	"hash": {1, -1}, "xxhash64": {1, -1}, "sha256": {1, 1}, "md5": {1, 1},

	"to_timestamp": {1, 2}, "to_date": {1, 2}, "date_trunc": {2, 2},
	"year": {1, 1}, "month": {1, 1}, "dayofmonth": {1, 1}, "hour": {1, 1},
	"minute": {1, 1}, "second": {1, 1}, "dayofweek": {1, 1},
	"from_unixtime": {1, 2}, "unix_timestamp": {1, 2},
	"timestamp_seconds": {1, 1}, "timestamp_millis": {1, 1},
	"current_timestamp": {0, 0},

	"get_json_object": {2, 2}, "to_json": {1, 1},
	"size": {1, 1}, "element_at": {2, 2},
}

// KnownOps lists every op a plan may hold, sorted.
func KnownOps() []string {
	return slices.Sorted(maps.Keys(ops))
}

// Col is a column reference expression.
func Col(path string) *Expr { return &Expr{Op: OpCol, Name: path} }

// Call is a function expression.
func Call(op string, args ...*Expr) *Expr { return &Expr{Op: op, Args: args} }

// Alias names an expression's output.
func Alias(e *Expr, name string) *Expr {
	return &Expr{Op: OpAlias, Name: name, Args: []*Expr{e}}
}

// Walk calls fn for e and every expression below it, parents first, and
// stops at the first error.
func (e *Expr) Walk(fn func(*Expr) error) error {
	if e == nil {
		return nil
	}
	if err := fn(e); err != nil {
		return err
	}
	for _, a := range e.Args {
		if err := a.Walk(fn); err != nil {
			return err
		}
	}
	return nil
}

// OpArity is how many arguments op takes (max -1: any number); ok is
// false for an op plans cannot hold.
func OpArity(op string) (min, max int, ok bool) {
	a, ok := ops[op]
	return a.min, a.max, ok
}
