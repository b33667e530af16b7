package jsonkernel

import (
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// growBuf is an append-only byte buffer whose memory comes from the
// caller's allocator, so a finished column hands it to Arrow without a copy.
type growBuf struct {
	buf *memory.Buffer
	b   []byte // buf.Buf(): the whole capacity
	n   int    // bytes in use
}

func newGrowBuf(mem memory.Allocator) growBuf {
	return growBuf{buf: memory.NewResizableBuffer(mem)}
}

// grow makes room for k more bytes.
func (g *growBuf) grow(k int) {
	if g.n+k <= len(g.b) {
		return
	}
	c := max(2*len(g.b), g.n+k, 64)
	g.buf.Reserve(c)
	g.b = g.buf.Buf()
}

func (g *growBuf) append(p []byte) {
	g.grow(len(p))
	copy(g.b[g.n:], p)
	g.n += len(p)
}

// finish sets the buffer's length and hands over its reference.
func (g *growBuf) finish() *memory.Buffer {
	g.buf.ResizeNoShrink(g.n)
	b := g.buf
	g.buf, g.b, g.n = nil, nil, 0
	return b
}

// release frees the buffer when it was not handed over.
func (g *growBuf) release() {
	if g.buf != nil {
		g.buf.Release()
		g.buf, g.b, g.n = nil, nil, 0
	}
}

// bitmap is a growBuf of bits; n counts bits.
type bitmap struct {
	g growBuf
	n int
}

// push appends one bit. Bits are written both ways because reallocated
// memory is not guaranteed to be zero.
func (m *bitmap) push(v bool) {
	if m.n&7 == 0 {
		m.g.grow(1)
		m.g.b[m.g.n] = 0
		m.g.n++
	}
	if v {
		m.g.b[m.n>>3] |= 1 << (m.n & 7)
	}
	m.n++
}

func (m *bitmap) get(i int) bool { return m.g.b[i>>3]&(1<<(i&7)) != 0 }

// truncate drops the bits from n on and returns how many of them were 0.
func (m *bitmap) truncate(n int) (zeros int) {
	for i := n; i < m.n; i++ {
		if !m.get(i) {
			zeros++
		}
	}
	if n&7 != 0 {
		m.g.b[n>>3] &= byte(1)<<(n&7) - 1
	}
	m.n = n
	m.g.n = (n + 7) >> 3
	return zeros
}

// putFixed stores v at byte offset off of b; the caller has grown b.
func putFixed[T any](b []byte, off int, v T) {
	*(*T)(unsafe.Pointer(&b[off])) = v
}

func getFixed[T any](b []byte, off int) T {
	return *(*T)(unsafe.Pointer(&b[off]))
}
