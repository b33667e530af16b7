package jsonkernel

import (
	"strings"

	"github.com/spate-io/spate/engine/internal/kernels"
)

// parseISO reads the date-time forms Spark's default timestamp parsing
// accepts (its ISO pattern plus the stringToTimestamp fallback):
//
//	yyyy[-[m]m[-[d]d]][(T| )[h]h:[m]m[:[s]s[.fraction]]][zone]
//
// where zone is Z, [+-]h[h][[:]mm[[:]ss]], UTC/GMT/UT optionally followed
// by an offset, or a region id such as Europe/Berlin, optionally after one
// space. Surrounding whitespace is ignored and fractions past nanoseconds
// are truncated. dateOnly stops after the date, ignoring anything after a
// 'T' or a space, as Spark's stringToDate does.
func parseISO(b []byte, dateOnly bool) (t civilTime, ok bool) {
	b = trimSpace(b)
	p := isoParser{b: b}
	t.month, t.day = 1, 1
	if t.year, ok = p.digits(4, 4); !ok {
		return t, false
	}
	if p.eat('-') {
		if t.month, ok = p.digits(1, 2); !ok {
			return t, false
		}
		if p.eat('-') {
			if t.day, ok = p.digits(1, 2); !ok {
				return t, false
			}
		}
	}
	if p.done() {
		return t, t.valid()
	}
	if c := p.b[p.i]; c != 'T' && c != ' ' {
		return t, false
	}
	p.i++
	if dateOnly {
		return t, t.valid()
	}
	if !p.clock(&t) {
		return t, false
	}
	if !p.done() && !p.zone(&t) {
		return t, false
	}
	return t, p.done() && t.valid()
}

type isoParser struct {
	b []byte
	i int
}

func (p *isoParser) done() bool { return p.i >= len(p.b) }

func (p *isoParser) eat(c byte) bool {
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

// digits reads between lo and hi decimal digits.
func (p *isoParser) digits(lo, hi int) (int, bool) {
	v, n := 0, 0
	for p.i < len(p.b) && n < hi && isDigit(p.b[p.i]) {
		v = v*10 + int(p.b[p.i]-'0')
		p.i++
		n++
	}
	return v, n >= lo
}

// clock reads [h]h:[m]m[:[s]s[.fraction]].
func (p *isoParser) clock(t *civilTime) (ok bool) {
	t.hasTime = true
	if t.hour, ok = p.digits(1, 2); !ok || !p.eat(':') {
		return false
	}
	if t.minute, ok = p.digits(1, 2); !ok {
		return false
	}
	if !p.eat(':') {
		return true
	}
	if t.second, ok = p.digits(1, 2); !ok {
		return false
	}
	if !p.eat('.') {
		return true
	}
	n, scale := 0, 100_000_000
	for p.i < len(p.b) && isDigit(p.b[p.i]) {
		t.nsec += int(p.b[p.i]-'0') * scale
		scale /= 10
		p.i++
		n++
	}
	return n > 0
}

// zone reads the zone suffix.
func (p *isoParser) zone(t *civilTime) bool {
	if p.b[p.i] == ' ' {
		p.i++
	}
	if p.eat('Z') {
		t.zone = zoneOffset
		return true
	}
	rest := string(p.b[p.i:])
	for _, prefix := range []string{"UTC", "GMT", "UT"} {
		if strings.HasPrefix(rest, prefix) {
			p.i += len(prefix)
			t.zone = zoneOffset
			return p.done() || p.offset(t)
		}
	}
	if c := p.b[p.i]; c == '+' || c == '-' {
		return p.offset(t)
	}
	loc, ok := kernels.LoadRegion(rest)
	if !ok {
		return false
	}
	p.i = len(p.b)
	t.zone, t.loc = zoneRegion, loc
	return true
}

// offset reads [+-]h[h][[:]mm[[:]ss]].
func (p *isoParser) offset(t *civilTime) bool {
	sign := 1
	switch {
	case p.eat('-'):
		sign = -1
	case p.eat('+'):
	default:
		return false
	}
	h, ok := p.digits(1, 2)
	if !ok || h > 18 {
		return false
	}
	var m, s int
	colon := p.eat(':')
	if m, ok = p.digits(2, 2); ok {
		if p.eat(':') || !colon {
			s, _ = p.digits(2, 2)
		}
	} else if colon {
		return false
	}
	if m > 59 || s > 59 {
		return false
	}
	t.zone = zoneOffset
	t.offset = sign * (h*3600 + m*60 + s)
	return true
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (isSpace(b[0]) || b[0] == 0) {
		b = b[1:]
	}
	for len(b) > 0 && (isSpace(b[len(b)-1]) || b[len(b)-1] == 0) {
		b = b[:len(b)-1]
	}
	return b
}
