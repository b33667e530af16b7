package log

import (
	"encoding/binary"
	"fmt"
	"math"
)

// A v2 record inside a batch's (decompressed) records section:
//
//	length varint | attributes int8 | timestampDelta varlong | offsetDelta varint |
//	keyLength varint | key | valueLength varint | value |
//	headerCount varint | headerCount × { keyLength varint | key | valueLength varint | value }
//
// Varints are zigzag encoded (encoding/binary's Varint); a length of -1 is null.

// record is one parsed record; its slices point into the parsed bytes.
type record struct {
	raw         []byte // the whole record, length prefix included
	attrs       byte
	tsDelta     int64
	offsetDelta int32
	key         []byte // nil when the key is null
	nullValue   bool   // a tombstone
	rest        []byte // offsetDelta to the end: copied as is when re-basing timestamps
}

// parseRecord parses the record at the start of b and returns it with the
// bytes it takes. Every length is checked against the record's own length,
// so a malformed record is an error, never a panic or a read past it.
func parseRecord(b []byte) (record, int, error) {
	length, n := binary.Varint(b)
	if n <= 0 || length < 1 || length > int64(len(b)-n) {
		return record{}, 0, fmt.Errorf("%w: a record length is invalid", ErrCorruptBatch)
	}
	body := b[n : n+int(length)]
	r := record{raw: b[:n+int(length)], attrs: body[0]}
	p := recordParser{b: body, pos: 1}
	r.tsDelta = p.varint()
	restAt := p.pos
	od := p.varint()
	if od < 0 || od > math.MaxInt32 {
		p.fail("offset delta")
	}
	r.offsetDelta = int32(od)
	r.key, _ = p.bytes("key")
	_, r.nullValue = p.bytes("value")
	headers := p.varint()
	if headers < 0 || headers > int64(len(body)) {
		p.fail("header count")
	}
	for i := int64(0); i < headers && p.err == nil; i++ {
		if k, null := p.bytes("header key"); k == nil && null {
			p.fail("header key")
		}
		p.bytes("header value")
	}
	if p.err == nil && p.pos != len(body) {
		p.fail(fmt.Sprintf("length (%d bytes are left over)", len(body)-p.pos))
	}
	if p.err != nil {
		return record{}, 0, p.err
	}
	r.rest = body[restAt:]
	return r, len(r.raw), nil
}

// recordParser reads a record body; the first error sticks and later
// reads return zero values.
type recordParser struct {
	b   []byte
	pos int
	err error
}

func (p *recordParser) fail(what string) {
	if p.err == nil {
		p.err = fmt.Errorf("%w: a record's %s is invalid", ErrCorruptBatch, what)
	}
}

func (p *recordParser) varint() int64 {
	if p.err != nil {
		return 0
	}
	v, n := binary.Varint(p.b[p.pos:])
	if n <= 0 {
		p.fail("varint")
		return 0
	}
	p.pos += n
	return v
}

// bytes reads a length-prefixed field; null is true for length -1.
func (p *recordParser) bytes(what string) ([]byte, bool) {
	l := p.varint()
	if p.err != nil {
		return nil, false
	}
	if l == -1 {
		return nil, true
	}
	if l < 0 || l > int64(len(p.b)-p.pos) {
		p.fail(what + " length")
		return nil, false
	}
	v := p.b[p.pos : p.pos+int(l) : p.pos+int(l)]
	p.pos += int(l)
	return v, false
}

// appendRebased appends r with its timestamp delta replaced (the batch's
// base timestamp changed), everything else as it was.
func appendRebased(dst []byte, r *record, tsDelta int64) []byte {
	var tmp [binary.MaxVarintLen64]byte
	tsLen := binary.PutVarint(tmp[:], tsDelta)
	dst = binary.AppendVarint(dst, int64(1+tsLen+len(r.rest)))
	dst = append(dst, r.attrs)
	dst = append(dst, tmp[:tsLen]...)
	return append(dst, r.rest...)
}
