package expr

import (
	"fmt"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/arrow/scalar"

	"github.com/spate-io/spate/engine/plan"
)

// Literal is a constant. It evaluates to a constant array, and compute
// kernels receive it as a scalar.
type Literal struct {
	scalar scalar.Scalar
	value  any // the plan value: nil for null
	dt     arrow.DataType
}

func newLiteral(e *plan.Expr) (*Literal, error) {
	v, err := plan.LiteralValue(e)
	if err != nil {
		return nil, analysisf("%v", err)
	}
	return makeLiteral(e.Type.DataType, v)
}

// makeLiteral builds a literal of dt holding v (Go storage value, nil for
// null).
func makeLiteral(dt arrow.DataType, v any) (*Literal, error) {
	if v == nil {
		return &Literal{scalar: scalar.MakeNullScalar(dt), dt: dt}, nil
	}
	sc, err := makeScalar(dt, v)
	if err != nil {
		return nil, analysisf("literal %v of type %s: %v", v, dt, err)
	}
	return &Literal{scalar: sc, value: v, dt: dt}, nil
}

// makeScalar builds an Arrow scalar from a plan literal value.
func makeScalar(dt arrow.DataType, v any) (scalar.Scalar, error) {
	switch x := v.(type) {
	case bool:
		return scalar.NewBooleanScalar(x), nil
	case int8:
		return scalar.NewInt8Scalar(x), nil
	case int16:
		return scalar.NewInt16Scalar(x), nil
	case int32:
		if dt.ID() == arrow.DATE32 {
			return scalar.NewDate32Scalar(arrow.Date32(x)), nil
		}
		return scalar.NewInt32Scalar(x), nil
	case int64:
		switch dt.ID() {
		case arrow.TIMESTAMP:
			return scalar.NewTimestampScalar(arrow.Timestamp(x), dt), nil
		case arrow.DATE64:
			return scalar.NewDate64Scalar(arrow.Date64(x)), nil
		}
		return scalar.NewInt64Scalar(x), nil
	case uint8:
		return scalar.NewUint8Scalar(x), nil
	case uint16:
		return scalar.NewUint16Scalar(x), nil
	case uint32:
		return scalar.NewUint32Scalar(x), nil
	case uint64:
		return scalar.NewUint64Scalar(x), nil
	case float32:
		return scalar.NewFloat32Scalar(x), nil
	case float64:
		return scalar.NewFloat64Scalar(x), nil
	case string:
		if dt.ID() == arrow.LARGE_STRING {
			return scalar.NewLargeStringScalar(x), nil
		}
		return scalar.NewStringScalar(x), nil
	case []byte:
		buf := memory.NewBufferBytes(x)
		if dt.ID() == arrow.LARGE_BINARY {
			return scalar.NewLargeBinaryScalar(buf), nil
		}
		return scalar.NewBinaryScalar(buf, dt), nil
	}
	return nil, fmt.Errorf("no scalar for %T", v)
}

// Value is the literal's Go value (nil for null).
func (l *Literal) Value() any { return l.value }

// IsNull says whether the literal is null.
func (l *Literal) IsNull() bool { return l.value == nil }

// Type implements Expr.
func (l *Literal) Type() arrow.DataType { return l.dt }

// Name is the literal as Spark prints it.
func (l *Literal) Name() string {
	switch v := l.value.(type) {
	case nil:
		return "NULL"
	case string:
		return v
	case []byte:
		return fmt.Sprintf("X'%X'", v)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(v), 'g', -1, 32)
	}
	return fmt.Sprint(l.value)
}

// Eval implements Expr: a constant array of the batch's length.
func (l *Literal) Eval(c *Ctx, rec arrow.RecordBatch) (arrow.Array, error) {
	return broadcast(c, l.scalar, int(rec.NumRows()))
}

// broadcast makes an array of n copies of sc.
func broadcast(c *Ctx, sc scalar.Scalar, n int) (arrow.Array, error) {
	arr, err := scalar.MakeArrayFromScalar(sc, n, c.Mem)
	if err != nil {
		return nil, errorf("constant column of %s: %v", sc.DataType(), err)
	}
	return arr, nil
}

// literalString returns the value of a string literal argument, or an
// error naming fn and what the argument is for.
func literalString(fn, what string, e Expr) (string, error) {
	l, ok := e.(*Literal)
	if !ok || !isString(l.dt) || l.IsNull() {
		return "", analysisf("%s: the %s must be a non-null string literal, got %s", fn, what, describe(e))
	}
	return l.value.(string), nil
}

// literalInt returns the value of an integer literal argument.
func literalInt(fn, what string, e Expr) (int64, error) {
	l, ok := e.(*Literal)
	if !ok || !isIntegral(l.dt) || l.IsNull() {
		return 0, analysisf("%s: the %s must be a non-null integer literal, got %s", fn, what, describe(e))
	}
	return toInt64(l.value), nil
}

func toInt64(v any) int64 {
	switch x := v.(type) {
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case int64:
		return x
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		return int64(x)
	}
	return 0
}

// describe names an expression and its type for error messages.
func describe(e Expr) string {
	return fmt.Sprintf("%s (%s)", e.Name(), typeName(e.Type()))
}

// typeName is the plan name of a type ("int64", "timestamp[us, UTC]"),
// falling back to Arrow's.
func typeName(dt arrow.DataType) string {
	if n, err := plan.TypeName(dt); err == nil {
		return n
	}
	return dt.String()
}
