package jsonkernel

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// column accumulates the Arrow buffers of one node while rows are decoded.
//
// Invariants: a struct's children have exactly the struct's length once a
// row is complete; a list's (or map's) child has offsets[n] elements. While
// a row is being decoded children may run ahead, and truncate brings them
// back, which is how a field that fails to convert is undone.
type column struct {
	nd    *node
	n     int // slots
	nulls int
	valid bitmap
	bits  bitmap  // kBool values
	data  growBuf // fixed-width values, or the bytes of strings and binaries
	offs  growBuf // n+1 int32 (or int64) offsets for var-width kinds, lists and maps
	kids  []*column
	hint  int // kStruct: the field expected next, since keys usually come in schema order
}

func newColumn(mem memory.Allocator, nd *node) *column {
	c := &column{nd: nd, valid: bitmap{g: newGrowBuf(mem)}}
	switch nd.kind {
	case kBool:
		c.bits = bitmap{g: newGrowBuf(mem)}
	case kString, kBinary, kList, kMap:
		c.offs = newGrowBuf(mem)
		c.data = newGrowBuf(mem)
		c.pushOffset(0)
	default:
		c.data = newGrowBuf(mem)
	}
	for _, f := range nd.fields {
		c.kids = append(c.kids, newColumn(mem, f))
	}
	return c
}

func (c *column) release() {
	c.valid.g.release()
	c.bits.g.release()
	c.data.release()
	c.offs.release()
	for _, k := range c.kids {
		k.release()
	}
}

// offsetAt reads offset i.
func (c *column) offsetAt(i int) int {
	if c.nd.large {
		return int(getFixed[int64](c.offs.b, 8*i))
	}
	return int(getFixed[int32](c.offs.b, 4*i))
}

// pushOffset appends an offset. int32 offsets cannot pass 2 GiB; the row
// loop checks offsetsOverflow before that can happen.
func (c *column) pushOffset(v int) {
	if c.nd.large {
		c.offs.grow(8)
		putFixed(c.offs.b, c.offs.n, int64(v))
		c.offs.n += 8
		return
	}
	c.offs.grow(4)
	putFixed(c.offs.b, c.offs.n, int32(v))
	c.offs.n += 4
}

// overflowed reports whether this column or a child passed what int32
// offsets can address.
func (c *column) overflowed() *column {
	if c.offs.buf != nil && !c.nd.large && (c.data.n > math.MaxInt32 || c.childLen() > math.MaxInt32) {
		return c
	}
	for _, k := range c.kids {
		if o := k.overflowed(); o != nil {
			return o
		}
	}
	return nil
}

func (c *column) childLen() int {
	if len(c.kids) == 1 {
		return c.kids[0].n
	}
	return 0
}

// slot marks one more value present; the value itself was appended.
func (c *column) slot() {
	c.valid.push(true)
	c.n++
}

// appendNull appends one null slot, with placeholder values where the
// layout needs them.
func (c *column) appendNull() {
	c.valid.push(false)
	c.n++
	c.nulls++
	switch c.nd.kind {
	case kNull:
	case kBool:
		c.bits.push(false)
	case kString, kBinary:
		c.pushOffset(c.data.n)
	case kList, kMap:
		c.pushOffset(c.kids[0].n)
	case kStruct:
		for _, k := range c.kids {
			k.appendNull()
		}
	default:
		c.data.grow(c.nd.width)
		clear(c.data.b[c.data.n : c.data.n+c.nd.width])
		c.data.n += c.nd.width
	}
}

func (c *column) appendBool(v bool) {
	c.bits.push(v)
	c.slot()
}

func appendFixed[T any](c *column, v T) {
	c.data.grow(c.nd.width)
	putFixed(c.data.b, c.data.n, v)
	c.data.n += c.nd.width
	c.slot()
}

// appendBytes appends a string or binary value.
func (c *column) appendBytes(p []byte) {
	c.data.append(p)
	c.pushOffset(c.data.n)
	c.slot()
}

// appendUnescapedString decodes the string content in[start:end] straight
// into the data buffer. Decoding never grows text more than threefold (an
// invalid byte becomes the 3-byte U+FFFD), so the append stays in place.
func (c *column) appendUnescapedString(in []byte, start, end int) {
	c.data.grow(3 * (end - start))
	out := appendUnescaped(c.data.b[c.data.n:c.data.n:len(c.data.b)], in, start, end)
	c.data.n += len(out)
	c.pushOffset(c.data.n)
	c.slot()
}

// endNested closes a list or map slot whose elements were appended.
func (c *column) endNested() {
	c.pushOffset(c.kids[0].n)
	c.slot()
}

// truncate drops slots from n on, in this column and its children.
func (c *column) truncate(n int) {
	if n < c.n {
		c.nulls -= c.valid.truncate(n)
		switch c.nd.kind {
		case kBool:
			c.bits.truncate(n)
		case kString, kBinary, kList, kMap:
			c.offs.n = (n + 1) * c.offsetWidth()
			c.data.n = c.offsetAt(n)
		case kStruct, kNull:
		default:
			c.data.n = n * c.nd.width
		}
		c.n = n
	}
	switch c.nd.kind {
	case kStruct:
		for _, k := range c.kids {
			k.truncate(c.n)
		}
	case kList, kMap:
		c.kids[0].truncate(c.offsetAt(c.n))
	}
}

func (c *column) offsetWidth() int {
	if c.nd.large {
		return 8
	}
	return 4
}

// finish hands the buffers to a new arrow.ArrayData; the column is empty
// afterwards.
func (c *column) finish() arrow.ArrayData {
	var valid *memory.Buffer
	if c.nulls > 0 {
		valid = c.valid.g.finish()
	} else {
		c.valid.g.release()
	}
	var bufs []*memory.Buffer
	var kids []arrow.ArrayData
	switch c.nd.kind {
	case kNull:
		c.data.release()
		if valid != nil {
			valid.Release() // the null type has no validity buffer
		}
		bufs = []*memory.Buffer{nil}
	case kBool:
		bufs = []*memory.Buffer{valid, c.bits.g.finish()}
	case kString, kBinary:
		bufs = []*memory.Buffer{valid, c.offs.finish(), c.data.finish()}
	case kList, kMap:
		c.data.release()
		bufs = []*memory.Buffer{valid, c.offs.finish()}
	case kStruct:
		c.data.release()
		bufs = []*memory.Buffer{valid}
	default:
		bufs = []*memory.Buffer{valid, c.data.finish()}
	}
	for _, k := range c.kids {
		kids = append(kids, k.finish())
	}
	d := array.NewData(c.nd.typ, c.n, bufs, kids, c.nulls, 0)
	for _, b := range bufs {
		if b != nil {
			b.Release()
		}
	}
	for _, k := range kids {
		k.Release()
	}
	return d
}

// checkOffsets returns an error when a column with 32-bit offsets has grown
// past them in this batch.
func (c *column) checkOffsets() error {
	if o := c.overflowed(); o != nil {
		return fmt.Errorf("jsonkernel: field %s holds more than 2 GiB in one batch; use a large type (large_string, large_binary, large_list) or smaller batches", orTop(o.nd.path))
	}
	return nil
}

// reserve sizes the buffers for n slots up front, so that a batch grows
// them only for variable-width data. Struct children have exactly n slots;
// list elements are unknown and grow as they come.
func (c *column) reserve(n int) {
	c.valid.g.grow((n + 7) / 8)
	switch c.nd.kind {
	case kBool:
		c.bits.g.grow((n + 7) / 8)
	case kString, kBinary, kList, kMap:
		c.offs.grow((n + 1) * c.offsetWidth())
	case kStruct:
		for _, k := range c.kids {
			k.reserve(n)
		}
	case kNull:
	default:
		c.data.grow(n * c.nd.width)
	}
}
