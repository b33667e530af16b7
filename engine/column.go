package engine

import (
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/spate-io/spate/engine/plan"
)

// Column is an expression over a DataFrame's columns: a column reference,
// a literal, or a function of other columns. Columns are values; every
// method returns a new one. A Column built from bad input (a literal of an
// unsupported Go type, say) carries the error, and the DataFrame method
// that uses it returns it.
type Column struct {
	expr *plan.Expr
	err  error
}

// Col refers to a column by name: "user_id", "c.page" for a struct field,
// "c.*" (in Select) for all of a struct's fields, "`a.b`" for a name with a
// dot. Names match exactly, or case-insensitively when unambiguous.
func Col(name string) Column { return Column{expr: plan.Col(name)} }

// Lit is a constant. Go values map to Arrow types: bool, int8..int64 and
// uint8..uint64 as themselves, int as int64, float32, float64, string,
// []byte as binary, time.Time as timestamp[us, UTC], nil as a null. A
// Column is returned as is.
func Lit(v any) Column {
	e, err := literal(v)
	if err != nil {
		return Column{err: err}
	}
	return Column{expr: e}
}

func literal(v any) (*plan.Expr, error) {
	var dt arrow.DataType
	switch x := v.(type) {
	case nil:
		dt = arrow.Null
	case Column:
		return x.expr, x.err
	case bool:
		dt = arrow.FixedWidthTypes.Boolean
	case int:
		dt, v = arrow.PrimitiveTypes.Int64, int64(x)
	case int8:
		dt = arrow.PrimitiveTypes.Int8
	case int16:
		dt = arrow.PrimitiveTypes.Int16
	case int32:
		dt = arrow.PrimitiveTypes.Int32
	case int64:
		dt = arrow.PrimitiveTypes.Int64
	case uint8:
		dt = arrow.PrimitiveTypes.Uint8
	case uint16:
		dt = arrow.PrimitiveTypes.Uint16
	case uint32:
		dt = arrow.PrimitiveTypes.Uint32
	case uint64:
		dt = arrow.PrimitiveTypes.Uint64
	case float32:
		dt = arrow.PrimitiveTypes.Float32
	case float64:
		dt = arrow.PrimitiveTypes.Float64
	case string:
		dt = arrow.BinaryTypes.String
	case []byte:
		dt = arrow.BinaryTypes.Binary
	case time.Time:
		dt, v = timestampUS, x.UnixMicro()
	default:
		return nil, fmt.Errorf("engine: Lit: unsupported Go type %T (use bool, ints, floats, string, []byte, time.Time or nil)", v)
	}
	e, err := plan.Lit(dt, v)
	if err != nil {
		return nil, fmt.Errorf("engine: Lit(%v): %w", v, err)
	}
	return e, nil
}

var timestampUS = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}

// col turns a Column or a Go value into a Column, as Spark's methods
// taking Any do.
func col(v any) Column {
	if c, ok := v.(Column); ok {
		return c
	}
	return Lit(v)
}

// call builds a function of columns, carrying the first error.
func call(op string, args ...any) Column {
	exprs := make([]*plan.Expr, len(args))
	for i, a := range args {
		c := col(a)
		if c.err != nil {
			return Column{err: c.err}
		}
		if c.expr == nil {
			return Column{err: fmt.Errorf("engine: %s: argument %d is an empty Column; build columns with Col, Lit or a function", op, i+1)}
		}
		exprs[i] = c.expr
	}
	return Column{expr: plan.Call(op, exprs...)}
}

// Err is the error the column carries, if any.
func (c Column) Err() error { return c.err }

// Expr is the column's plan expression (nil when Err is set).
func (c Column) Expr() *plan.Expr { return c.expr }

// String shows the column's plan expression, for debugging.
func (c Column) String() string {
	if c.err != nil {
		return "error: " + c.err.Error()
	}
	if c.expr == nil {
		return "<empty>"
	}
	if c.expr.Op == plan.OpCol {
		return c.expr.Name
	}
	return c.expr.Op + "(...)"
}

// As names the column's output (Spark's alias).
func (c Column) As(name string) Column {
	if c.err != nil {
		return c
	}
	if c.expr == nil {
		return Column{err: fmt.Errorf("engine: As(%q) on an empty Column", name)}
	}
	if name == "" {
		return Column{err: fmt.Errorf("engine: As needs a name")}
	}
	return Column{expr: plan.Alias(c.expr, name)}
}

// Alias is As.
func (c Column) Alias(name string) Column { return c.As(name) }

// Cast converts the column to dt, giving null where a value does not
// convert (Spark's non-ANSI cast).
func (c Column) Cast(dt arrow.DataType) Column {
	if c.err != nil {
		return c
	}
	if _, err := plan.TypeName(dt); err != nil {
		if _, nested := dt.(arrow.NestedType); !nested {
			return Column{err: fmt.Errorf("engine: Cast: %w", err)}
		}
	}
	e := call("cast", c)
	if e.err != nil {
		return e
	}
	e.expr.Op = plan.OpCast
	e.expr.Type = &plan.Type{DataType: dt}
	return e
}
