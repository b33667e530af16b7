package expr

import (
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// fixedOut builds a fixed-width output column in place: hand-written
// kernels write vals[i] and mark nulls, then take the array.
type fixedOut[T arrow.FixedWidthType] struct {
	vals  []T
	data  *memory.Buffer
	valid *memory.Buffer
	nulls int
}

func newFixedOut[T arrow.FixedWidthType](mem memory.Allocator, n int, width int) *fixedOut[T] {
	o := &fixedOut[T]{data: memory.NewResizableBuffer(mem), valid: memory.NewResizableBuffer(mem)}
	o.data.Resize(n * width)
	o.vals = arrow.GetData[T](o.data.Bytes())[:n]
	o.valid.Resize(int(bitutil.BytesForBits(int64(n))))
	bitutil.SetBitsTo(o.valid.Bytes(), 0, int64(n), true)
	return o
}

func (o *fixedOut[T]) null(i int) {
	bitutil.ClearBit(o.valid.Bytes(), i)
	o.nulls++
}

// array hands the buffers to a new array of type dt.
func (o *fixedOut[T]) array(dt arrow.DataType) arrow.Array {
	n := len(o.vals)
	valid := o.valid
	if o.nulls == 0 {
		valid.Release()
		valid = nil
	}
	data := array.NewData(dt, n, []*memory.Buffer{valid, o.data}, nil, o.nulls, 0)
	if valid != nil {
		valid.Release()
	}
	o.data.Release()
	defer data.Release()
	return array.MakeFromData(data)
}

// boolOut builds a boolean output column.
type boolOut struct {
	n     int
	data  *memory.Buffer
	valid *memory.Buffer
	nulls int
}

func newBoolOut(mem memory.Allocator, n int) *boolOut {
	o := &boolOut{n: n, data: memory.NewResizableBuffer(mem), valid: memory.NewResizableBuffer(mem)}
	nb := int(bitutil.BytesForBits(int64(n)))
	o.data.Resize(nb)
	clear(o.data.Bytes())
	o.valid.Resize(nb)
	bitutil.SetBitsTo(o.valid.Bytes(), 0, int64(n), true)
	return o
}

func (o *boolOut) set(i int, v bool) {
	if v {
		bitutil.SetBit(o.data.Bytes(), i)
	}
}

func (o *boolOut) null(i int) {
	bitutil.ClearBit(o.valid.Bytes(), i)
	o.nulls++
}

func (o *boolOut) array() arrow.Array {
	valid := o.valid
	if o.nulls == 0 {
		valid.Release()
		valid = nil
	}
	data := array.NewData(arrow.FixedWidthTypes.Boolean, o.n, []*memory.Buffer{valid, o.data}, nil, o.nulls, 0)
	if valid != nil {
		valid.Release()
	}
	o.data.Release()
	defer data.Release()
	return array.MakeFromData(data)
}

// valuesOf returns the values of a fixed-width array.
func valuesOf[T arrow.FixedWidthType](a arrow.Array) []T {
	return arrow.GetValues[T](a.Data(), 1)
}

// strAt returns row i of a string or binary array as a string without
// copying where Arrow allows.
func strAt(a arrow.Array, i int) string {
	switch x := a.(type) {
	case *array.String:
		return x.Value(i)
	case *array.LargeString:
		return x.Value(i)
	case *array.Binary:
		return x.ValueString(i)
	case *array.LargeBinary:
		return x.ValueString(i)
	}
	return a.ValueStr(i)
}

// bytesAt returns row i of a string or binary array as bytes, without
// copying: the caller must not modify or keep them.
func bytesAt(a arrow.Array, i int) []byte {
	switch x := a.(type) {
	case *array.String:
		return stringBytes(x.Value(i))
	case *array.LargeString:
		return stringBytes(x.Value(i))
	case *array.Binary:
		return x.Value(i)
	case *array.LargeBinary:
		return x.Value(i)
	}
	return []byte(a.ValueStr(i))
}

// newStringBuilder makes a builder for dt (string or large_string, binary
// or large_binary) with room for n values of about avg bytes.
func newStringBuilder(mem memory.Allocator, dt arrow.DataType, n, dataBytes int) *array.BinaryBuilder {
	b := array.NewBinaryBuilder(mem, dt.(arrow.BinaryDataType))
	b.Reserve(n)
	b.ReserveData(dataBytes)
	return b
}

// dataLen is the byte length of a string or binary array's values.
func dataLen(a arrow.Array) int {
	switch x := a.(type) {
	case *array.String:
		return span(x.ValueOffsets())
	case *array.LargeString:
		return span(x.ValueOffsets())
	case *array.Binary:
		return span(x.ValueOffsets())
	case *array.LargeBinary:
		return span(x.ValueOffsets())
	}
	return 0
}

func span[T int32 | int64](offsets []T) int {
	if len(offsets) == 0 {
		return 0
	}
	return int(offsets[len(offsets)-1] - offsets[0])
}

// stringBytes views a string's bytes without copying; callers never write
// to them.
func stringBytes(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
