package engine

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/spate-io/spate/engine/internal/expr"
)

// UDFType is the set of Go types a UDF may take and return, with their
// Arrow types: bool, int32 (int32), int64 and int (int64), float64,
// string, []byte (binary) and time.Time (timestamp[us, UTC]).
type UDFType interface {
	bool | int32 | int64 | int | float64 | string | []byte | time.Time
}

// RegisterUDF1 registers fn as a one-argument UDF callable by name with
// CallUDF. A null argument gives a null result without calling fn (Spark's
// rule for UDFs of primitive types). It panics if name is taken: register
// UDFs in init functions, where a clash is a start-up failure. A UDF runs
// wherever the binary that registered it runs; a plan naming a UDF the
// binary lacks is refused at Compile.
func RegisterUDF1[A, R UDFType](name string, fn func(A) R) {
	mustRegister(name, []arrow.DataType{arrowType[A]()}, arrowType[R](), func(in []arrow.Array, i int) (any, error) {
		return fn(valueAt[A](in[0], i)), nil
	})
}

// RegisterUDF2 registers a two-argument UDF.
func RegisterUDF2[A, B, R UDFType](name string, fn func(A, B) R) {
	mustRegister(name, []arrow.DataType{arrowType[A](), arrowType[B]()}, arrowType[R](), func(in []arrow.Array, i int) (any, error) {
		return fn(valueAt[A](in[0], i), valueAt[B](in[1], i)), nil
	})
}

// RegisterUDF3 registers a three-argument UDF.
func RegisterUDF3[A, B, C, R UDFType](name string, fn func(A, B, C) R) {
	mustRegister(name, []arrow.DataType{arrowType[A](), arrowType[B](), arrowType[C]()}, arrowType[R](), func(in []arrow.Array, i int) (any, error) {
		return fn(valueAt[A](in[0], i), valueAt[B](in[1], i), valueAt[C](in[2], i)), nil
	})
}

// RegisterUDF registers fn, a func of UDFType arguments returning one
// UDFType value, optionally followed by an error (which fails the batch),
// checked by reflection now. It panics on a bad fn or a taken name.
func RegisterUDF(name string, fn any) {
	v := reflect.ValueOf(fn)
	t := v.Type()
	if t.Kind() != reflect.Func || t.NumOut() < 1 || t.NumOut() > 2 || (t.NumOut() == 2 && t.Out(1) != reflect.TypeFor[error]()) {
		panic(fmt.Sprintf("engine: RegisterUDF(%q): want a func returning a value (and optionally an error), got %T", name, fn))
	}
	args := make([]arrow.DataType, t.NumIn())
	for i := range args {
		if args[i] = reflectArrowType(t.In(i)); args[i] == nil {
			panic(fmt.Sprintf("engine: RegisterUDF(%q): argument %d has unsupported type %s (want bool, int32, int64, int, float64, string, []byte or time.Time)", name, i+1, t.In(i)))
		}
	}
	result := reflectArrowType(t.Out(0))
	if result == nil {
		panic(fmt.Sprintf("engine: RegisterUDF(%q): unsupported result type %s", name, t.Out(0)))
	}
	mustRegister(name, args, result, func(in []arrow.Array, i int) (any, error) {
		argv := make([]reflect.Value, len(in))
		for k, a := range in {
			argv[k] = reflect.ValueOf(anyAt(a, i)).Convert(t.In(k))
		}
		out := v.Call(argv)
		if len(out) == 2 && !out[1].IsNil() {
			return nil, out[1].Interface().(error)
		}
		return out[0].Interface(), nil
	})
}

func mustRegister(name string, args []arrow.DataType, result arrow.DataType, row func(in []arrow.Array, i int) (any, error)) {
	u := &expr.UDF{Name: name, Args: args, Result: result, Call: func(c *expr.Ctx, n int, in []arrow.Array) (out arrow.Array, err error) {
		b := array.NewBuilder(c.Mem, result)
		defer b.Release()
		defer func() {
			// A panic in user code fails the batch, not the process.
			if p := recover(); p != nil {
				out, err = nil, fmt.Errorf("panic: %v", p)
			}
		}()
		b.Reserve(n)
		for i := 0; i < n; i++ {
			if anyNull(in, i) {
				b.AppendNull()
				continue
			}
			v, err := row(in, i)
			if err != nil {
				return nil, fmt.Errorf("row %d: %w", i, err)
			}
			appendValue(b, v)
		}
		return b.NewArray(), nil
	}}
	if err := expr.RegisterUDF(u); err != nil {
		panic(err.Error())
	}
}

// UDFs lists the registered UDF names, sorted.
func UDFs() []string { return expr.UDFNames() }

func anyNull(in []arrow.Array, i int) bool {
	for _, a := range in {
		if a.IsNull(i) {
			return true
		}
	}
	return false
}

func arrowType[T UDFType]() arrow.DataType {
	var zero T
	return reflectArrowType(reflect.TypeOf(any(zero)))
}

func reflectArrowType(t reflect.Type) arrow.DataType {
	switch {
	case t == reflect.TypeFor[time.Time]():
		return timestampUS
	case t == reflect.TypeFor[[]byte]():
		return arrow.BinaryTypes.Binary
	}
	switch t.Kind() {
	case reflect.Bool:
		return arrow.FixedWidthTypes.Boolean
	case reflect.Int32:
		return arrow.PrimitiveTypes.Int32
	case reflect.Int64, reflect.Int:
		return arrow.PrimitiveTypes.Int64
	case reflect.Float64:
		return arrow.PrimitiveTypes.Float64
	case reflect.String:
		return arrow.BinaryTypes.String
	}
	return nil
}

// anyAt reads row i of a UDF argument (already cast to its declared type).
func anyAt(a arrow.Array, i int) any {
	switch x := a.(type) {
	case *array.Boolean:
		return x.Value(i)
	case *array.Int32:
		return x.Value(i)
	case *array.Int64:
		return x.Value(i)
	case *array.Float64:
		return x.Value(i)
	case *array.String:
		// Copied: the value must outlive the batch if fn keeps it.
		return strings.Clone(x.Value(i))
	case *array.Binary:
		return bytes.Clone(x.Value(i))
	case *array.Timestamp:
		return time.UnixMicro(int64(x.Value(i))).UTC()
	}
	return nil
}

func valueAt[T UDFType](a arrow.Array, i int) T {
	v := anyAt(a, i)
	var out T
	switch p := any(&out).(type) {
	case *int:
		*p = int(v.(int64))
	default:
		out = v.(T)
	}
	return out
}

func appendValue(b array.Builder, v any) {
	switch x := v.(type) {
	case bool:
		b.(*array.BooleanBuilder).Append(x)
	case int32:
		b.(*array.Int32Builder).Append(x)
	case int64:
		b.(*array.Int64Builder).Append(x)
	case int:
		b.(*array.Int64Builder).Append(int64(x))
	case float64:
		b.(*array.Float64Builder).Append(x)
	case string:
		b.(*array.StringBuilder).Append(x)
	case []byte:
		b.(*array.BinaryBuilder).Append(x)
	case time.Time:
		b.(*array.TimestampBuilder).Append(arrow.Timestamp(x.UnixMicro()))
	default:
		b.AppendNull()
	}
}
