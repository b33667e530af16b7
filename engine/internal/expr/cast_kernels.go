package expr

import (
	"math"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/spate-io/spate/engine/internal/kernels"
)

// The casts below are hand-written because arrow/compute's differ from
// Spark's: compute fails a whole batch on an unparseable string where
// Spark gives null, formats floats unlike Java, has no string-to-timestamp
// leniency, and converts NaN or out-of-range floats to integers without
// Java's saturation.

// castStringLike reinterprets string as binary and back without copying
// when the offset widths agree (Spark does not validate UTF-8 either), and
// converts between 32- and 64-bit offsets with compute otherwise.
func castStringLike(c *Ctx, in arrow.Array, to arrow.DataType) (arrow.Array, error) {
	large := func(dt arrow.DataType) bool {
		return dt.ID() == arrow.LARGE_STRING || dt.ID() == arrow.LARGE_BINARY
	}
	if large(in.DataType()) == large(to) {
		return castRetype(c, in, to)
	}
	return castCompute(c, in, to)
}

func toStringKernel(from arrow.DataType) (castKernel, error) {
	switch {
	case isStringOrBinary(from):
		return castStringLike, nil
	case isIntegral(from):
		return formatKernel(func(a arrow.Array) func([]byte, int) []byte {
			if a.DataType().ID() == arrow.UINT64 {
				u := a.(*array.Uint64)
				return func(dst []byte, i int) []byte { return strconv.AppendUint(dst, u.Value(i), 10) }
			}
			r := intReader(a)
			return func(dst []byte, i int) []byte { return strconv.AppendInt(dst, r(i), 10) }
		}), nil
	case from.ID() == arrow.FLOAT64:
		return formatKernel(func(a arrow.Array) func([]byte, int) []byte {
			v := a.(*array.Float64)
			return func(dst []byte, i int) []byte { return kernels.AppendJavaDouble(dst, v.Value(i)) }
		}), nil
	case from.ID() == arrow.FLOAT32:
		return formatKernel(func(a arrow.Array) func([]byte, int) []byte {
			v := a.(*array.Float32)
			return func(dst []byte, i int) []byte { return kernels.AppendJavaFloat(dst, v.Value(i)) }
		}), nil
	case isBool(from):
		return formatKernel(func(a arrow.Array) func([]byte, int) []byte {
			v := a.(*array.Boolean)
			return func(dst []byte, i int) []byte {
				if v.Value(i) {
					return append(dst, "true"...)
				}
				return append(dst, "false"...)
			}
		}), nil
	case isTimestamp(from):
		return formatKernel(func(a arrow.Array) func([]byte, int) []byte {
			r := microsReader(a)
			return func(dst []byte, i int) []byte { return kernels.FormatTimestamp(dst, r(i)) }
		}), nil
	case isDate(from):
		return formatKernel(func(a arrow.Array) func([]byte, int) []byte {
			r := microsReader(a)
			return func(dst []byte, i int) []byte {
				return kernels.FormatDate(dst, kernels.FloorDiv(r(i), kernels.MicrosPerDay))
			}
		}), nil
	}
	return nil, errorf("no cast from %s to string", typeName(from))
}

// formatKernel builds a string column by formatting each valid value.
func formatKernel(mk func(arrow.Array) func([]byte, int) []byte) castKernel {
	return func(c *Ctx, in arrow.Array, to arrow.DataType) (arrow.Array, error) {
		format := mk(in)
		b := newStringBuilder(c.Mem, to, in.Len(), in.Len()*8)
		defer b.Release()
		var buf []byte
		for i := 0; i < in.Len(); i++ {
			if in.IsNull(i) {
				b.AppendNull()
				continue
			}
			buf = format(buf[:0], i)
			b.Append(buf)
		}
		return finishBinary(b), nil
	}
}

// finishBinary turns a binary builder's content into an array of the
// builder's type (string arrays come out as *array.String).
func finishBinary(b *array.BinaryBuilder) arrow.Array {
	a := b.NewArray()
	defer a.Release()
	return array.MakeFromData(a.Data())
}

// int64Out collects int64 results and converts them to the target type
// with the wrapping cast Spark uses for narrowing.
func int64Out(c *Ctx, n int, to arrow.DataType, fill func(o *fixedOut[int64])) (arrow.Array, error) {
	o := newFixedOut[int64](c.Mem, n, 8)
	fill(o)
	out := o.array(arrow.PrimitiveTypes.Int64)
	if to.ID() == arrow.INT64 {
		return out, nil
	}
	defer out.Release()
	return castCompute(c, out, to)
}

func float64Out(c *Ctx, n int, to arrow.DataType, fill func(o *fixedOut[float64])) (arrow.Array, error) {
	o := newFixedOut[float64](c.Mem, n, 8)
	fill(o)
	out := o.array(arrow.PrimitiveTypes.Float64)
	if to.ID() == arrow.FLOAT64 {
		return out, nil
	}
	defer out.Release()
	return castCompute(c, out, to)
}

// castFloatToInt truncates toward zero with Java's saturation and NaN as
// 0, then narrows by wrapping, as Spark's (int)/(byte) casts do.
func castFloatToInt(c *Ctx, in arrow.Array, to arrow.DataType) (arrow.Array, error) {
	r := floatReader(in)
	return int64Out(c, in.Len(), to, func(o *fixedOut[int64]) {
		for i := range o.vals {
			if in.IsNull(i) {
				o.null(i)
				continue
			}
			if to.ID() == arrow.INT64 || to.ID() == arrow.UINT64 {
				o.vals[i] = kernels.DoubleToLong(r(i))
			} else {
				o.vals[i] = int64(kernels.DoubleToInt(r(i)))
			}
		}
	})
}

var intRange = map[arrow.Type][2]int64{
	arrow.INT8: {math.MinInt8, math.MaxInt8}, arrow.INT16: {math.MinInt16, math.MaxInt16},
	arrow.INT32: {math.MinInt32, math.MaxInt32}, arrow.INT64: {math.MinInt64, math.MaxInt64},
	arrow.UINT8: {0, math.MaxUint8}, arrow.UINT16: {0, math.MaxUint16},
	arrow.UINT32: {0, math.MaxUint32}, arrow.UINT64: {0, math.MaxInt64},
}

func castStringToInt(c *Ctx, in arrow.Array, to arrow.DataType) (arrow.Array, error) {
	lim := intRange[to.ID()]
	return int64Out(c, in.Len(), to, func(o *fixedOut[int64]) {
		for i := range o.vals {
			if in.IsNull(i) {
				o.null(i)
				continue
			}
			v, ok := kernels.ParseSparkLong(strAt(in, i), lim[0], lim[1])
			if !ok {
				o.null(i)
				continue
			}
			o.vals[i] = v
		}
	})
}

// castTimestampToInt gives whole seconds since the epoch, rounding down.
func castTimestampToInt(c *Ctx, in arrow.Array, to arrow.DataType) (arrow.Array, error) {
	r := microsReader(in)
	return int64Out(c, in.Len(), to, func(o *fixedOut[int64]) {
		for i := range o.vals {
			if in.IsNull(i) {
				o.null(i)
				continue
			}
			o.vals[i] = kernels.FloorDiv(r(i), kernels.MicrosPerSecond)
		}
	})
}

func castStringToFloat(c *Ctx, in arrow.Array, to arrow.DataType) (arrow.Array, error) {
	bits := 64
	if to.ID() == arrow.FLOAT32 {
		bits = 32
	}
	return float64Out(c, in.Len(), to, func(o *fixedOut[float64]) {
		for i := range o.vals {
			if in.IsNull(i) {
				o.null(i)
				continue
			}
			v, ok := kernels.ParseSparkDouble(strAt(in, i), bits)
			if !ok {
				o.null(i)
				continue
			}
			o.vals[i] = v
		}
	})
}

// castTimestampToFloat gives seconds since the epoch with the fraction.
func castTimestampToFloat(c *Ctx, in arrow.Array, to arrow.DataType) (arrow.Array, error) {
	r := microsReader(in)
	return float64Out(c, in.Len(), to, func(o *fixedOut[float64]) {
		for i := range o.vals {
			if in.IsNull(i) {
				o.null(i)
				continue
			}
			o.vals[i] = float64(r(i)) / 1e6
		}
	})
}

func castStringToBool(c *Ctx, in arrow.Array, _ arrow.DataType) (arrow.Array, error) {
	o := newBoolOut(c.Mem, in.Len())
	for i := 0; i < in.Len(); i++ {
		if in.IsNull(i) {
			o.null(i)
			continue
		}
		v, ok := kernels.ParseSparkBool(strAt(in, i))
		if !ok {
			o.null(i)
			continue
		}
		o.set(i, v)
	}
	return o.array(), nil
}

// timestampOut writes microsecond values into a timestamp column of the
// target unit, nulling values the unit cannot hold.
func timestampOut(c *Ctx, n int, to arrow.DataType, micros func(i int) (int64, bool)) arrow.Array {
	unit := to.(*arrow.TimestampType).Unit
	o := newFixedOut[int64](c.Mem, n, 8)
	for i := range o.vals {
		us, ok := micros(i)
		if ok {
			o.vals[i], ok = fromMicros(us, unit)
		}
		if !ok {
			o.null(i)
		}
	}
	return o.array(to)
}

func castToTimestamp(c *Ctx, in arrow.Array, to arrow.DataType) (arrow.Array, error) {
	r := microsReader(in)
	return timestampOut(c, in.Len(), to, func(i int) (int64, bool) {
		if in.IsNull(i) {
			return 0, false
		}
		return r(i), true
	}), nil
}

func castStringToTimestamp(c *Ctx, in arrow.Array, to arrow.DataType) (arrow.Array, error) {
	return timestampOut(c, in.Len(), to, func(i int) (int64, bool) {
		if in.IsNull(i) {
			return 0, false
		}
		return kernels.ParseTimestamp(strAt(in, i))
	}), nil
}

// castSecondsToTimestamp reads integers as seconds since the epoch.
func castSecondsToTimestamp(c *Ctx, in arrow.Array, to arrow.DataType) (arrow.Array, error) {
	r := intReader(in)
	return timestampOut(c, in.Len(), to, func(i int) (int64, bool) {
		if in.IsNull(i) {
			return 0, false
		}
		return satMul(r(i), kernels.MicrosPerSecond), true
	}), nil
}

func castFloatSecondsToTimestamp(c *Ctx, in arrow.Array, to arrow.DataType) (arrow.Array, error) {
	r := floatReader(in)
	return timestampOut(c, in.Len(), to, func(i int) (int64, bool) {
		if in.IsNull(i) {
			return 0, false
		}
		f := r(i) * 1e6
		if math.IsNaN(f) || math.IsInf(f, 0) || f >= math.MaxInt64 || f <= math.MinInt64 {
			return 0, false
		}
		return int64(f), true
	}), nil
}

func dateOut(c *Ctx, n int, day func(i int) (int64, bool)) arrow.Array {
	o := newFixedOut[int32](c.Mem, n, 4)
	for i := range o.vals {
		d, ok := day(i)
		if !ok || d > math.MaxInt32 || d < math.MinInt32 {
			o.null(i)
			continue
		}
		o.vals[i] = int32(d)
	}
	return o.array(arrow.FixedWidthTypes.Date32)
}

func castToDate(c *Ctx, in arrow.Array, _ arrow.DataType) (arrow.Array, error) {
	r := microsReader(in)
	return dateOut(c, in.Len(), func(i int) (int64, bool) {
		if in.IsNull(i) {
			return 0, false
		}
		return kernels.FloorDiv(r(i), kernels.MicrosPerDay), true
	}), nil
}

func castStringToDate(c *Ctx, in arrow.Array, _ arrow.DataType) (arrow.Array, error) {
	return dateOut(c, in.Len(), func(i int) (int64, bool) {
		if in.IsNull(i) {
			return 0, false
		}
		return kernels.ParseDate(strAt(in, i))
	}), nil
}
