package expr

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/spate-io/spate/engine/internal/kernels"
)

// Generic readers: hand-written kernels that accept every integral (or
// floating, or temporal) type read values through these, built once per
// array, instead of a type switch per value.

// intReader reads an integral, boolean, date or timestamp array as int64.
func intReader(a arrow.Array) func(i int) int64 {
	switch x := a.(type) {
	case *array.Int8:
		return func(i int) int64 { return int64(x.Value(i)) }
	case *array.Int16:
		return func(i int) int64 { return int64(x.Value(i)) }
	case *array.Int32:
		return func(i int) int64 { return int64(x.Value(i)) }
	case *array.Int64:
		v := x.Int64Values()
		return func(i int) int64 { return v[i] }
	case *array.Uint8:
		return func(i int) int64 { return int64(x.Value(i)) }
	case *array.Uint16:
		return func(i int) int64 { return int64(x.Value(i)) }
	case *array.Uint32:
		return func(i int) int64 { return int64(x.Value(i)) }
	case *array.Uint64:
		return func(i int) int64 { return int64(x.Value(i)) }
	case *array.Boolean:
		return func(i int) int64 {
			if x.Value(i) {
				return 1
			}
			return 0
		}
	case *array.Date32:
		return func(i int) int64 { return int64(x.Value(i)) }
	case *array.Date64:
		return func(i int) int64 { return int64(x.Value(i)) }
	case *array.Timestamp:
		return func(i int) int64 { return int64(x.Value(i)) }
	}
	return nil
}

// floatReader reads a numeric array as float64.
func floatReader(a arrow.Array) func(i int) float64 {
	switch x := a.(type) {
	case *array.Float32:
		return func(i int) float64 { return float64(x.Value(i)) }
	case *array.Float64:
		v := x.Float64Values()
		return func(i int) float64 { return v[i] }
	case *array.Uint64:
		return func(i int) float64 { return float64(x.Value(i)) }
	}
	if r := intReader(a); r != nil {
		return func(i int) float64 { return float64(r(i)) }
	}
	return nil
}

// microsReader reads a timestamp or date array as microseconds since the
// epoch (dates at midnight UTC).
func microsReader(a arrow.Array) func(i int) int64 {
	r := intReader(a)
	switch dt := a.DataType().(type) {
	case *arrow.TimestampType:
		switch dt.Unit {
		case arrow.Second:
			return func(i int) int64 { return satMul(r(i), kernels.MicrosPerSecond) }
		case arrow.Millisecond:
			return func(i int) int64 { return satMul(r(i), 1000) }
		case arrow.Nanosecond:
			return func(i int) int64 { return kernels.FloorDiv(r(i), 1000) }
		}
		return r
	case *arrow.Date32Type:
		return func(i int) int64 { return satMul(r(i), kernels.MicrosPerDay) }
	case *arrow.Date64Type:
		return func(i int) int64 { return satMul(r(i), 1000) }
	}
	return nil
}

// fromMicros converts microseconds to a timestamp unit; ok is false when
// the value does not fit (nanoseconds past year 2262).
func fromMicros(us int64, unit arrow.TimeUnit) (int64, bool) {
	switch unit {
	case arrow.Second:
		return kernels.FloorDiv(us, kernels.MicrosPerSecond), true
	case arrow.Millisecond:
		return kernels.FloorDiv(us, 1000), true
	case arrow.Nanosecond:
		if us > maxInt64/1000 || us < minInt64/1000 {
			return 0, false
		}
		return us * 1000, true
	}
	return us, true
}

const (
	maxInt64 = int64(^uint64(0) >> 1)
	minInt64 = -maxInt64 - 1
)

// satMul multiplies, saturating at the int64 range as Java's
// TimeUnit.toMicros does.
func satMul(a, b int64) int64 {
	if a == 0 {
		return 0
	}
	p := a * b
	if p/b != a {
		if (a < 0) != (b < 0) {
			return minInt64
		}
		return maxInt64
	}
	return p
}
