package kernels

import (
	"strconv"
	"strings"
	"time"
)

// ParseTimestamp reads text as Spark's lenient stringToTimestamp does (the
// cast from string and to_timestamp without a pattern):
//
//	yyyy[-[m]m[-[d]d]][(T| )[h]h:[m]m[:[s]s[.fraction]]][zone]
//
// zone being Z, ±h[h][[:]mm], UTC/GMT/UT with an optional offset, or a
// region such as Europe/Berlin. Text without a zone is UTC (the session
// time zone). The result is microseconds since the epoch; a fraction finer
// than microseconds is truncated. ok is false for anything else.
func ParseTimestamp(s string) (us int64, ok bool) {
	p := dtParser{s: strings.TrimSpace(s)}
	y, mo, d, ok := p.date()
	if !ok {
		return 0, false
	}
	var h, mi, sec, frac int64
	if !p.done() && (p.peek() == 'T' || p.peek() == ' ') {
		p.i++
		if !p.done() {
			if h, mi, sec, frac, ok = p.clock(); !ok {
				return 0, false
			}
		}
	}
	offset, ok := p.zone(y, mo, d, h, mi, sec)
	if !ok || !p.done() {
		return 0, false
	}
	days := DaysFromCivil(y, mo, d)
	return ((days*86400+h*3600+mi*60+sec)-offset)*MicrosPerSecond + frac, true
}

// ParseDate reads text as Spark's stringToDate: yyyy[-[m]m[-[d]d]],
// ignoring anything after a 'T' or a space. ok is false otherwise.
func ParseDate(s string) (day int64, ok bool) {
	p := dtParser{s: strings.TrimSpace(s)}
	y, m, d, ok := p.date()
	if !ok {
		return 0, false
	}
	if !p.done() && p.peek() != 'T' && p.peek() != ' ' {
		return 0, false
	}
	return DaysFromCivil(y, m, d), true
}

// maxYear keeps every parsed timestamp inside int64 microseconds.
const maxYear = 290000

type dtParser struct {
	s string
	i int
}

func (p *dtParser) done() bool { return p.i >= len(p.s) }
func (p *dtParser) peek() byte { return p.s[p.i] }

func (p *dtParser) eat(c byte) bool {
	if !p.done() && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

// digits reads between lo and hi decimal digits.
func (p *dtParser) digits(lo, hi int) (int64, bool) {
	var v int64
	n := 0
	for !p.done() && n < hi && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		v = v*10 + int64(p.s[p.i]-'0')
		p.i++
		n++
	}
	return v, n >= lo
}

func (p *dtParser) date() (y, m, d int64, ok bool) {
	neg := p.eat('-')
	if !neg {
		p.eat('+')
	}
	if y, ok = p.digits(4, 6); !ok || y > maxYear {
		return 0, 0, 0, false
	}
	if neg {
		y = -y
	}
	m, d = 1, 1
	if p.eat('-') {
		if m, ok = p.digits(1, 2); !ok || m < 1 || m > 12 {
			return 0, 0, 0, false
		}
		if p.eat('-') {
			if d, ok = p.digits(1, 2); !ok || d < 1 || d > DaysInMonth(y, m) {
				return 0, 0, 0, false
			}
		}
	}
	return y, m, d, true
}

func (p *dtParser) clock() (h, mi, s, frac int64, ok bool) {
	if h, ok = p.digits(1, 2); !ok || h > 23 || !p.eat(':') {
		return 0, 0, 0, 0, false
	}
	if mi, ok = p.digits(1, 2); !ok || mi > 59 {
		return 0, 0, 0, 0, false
	}
	if p.eat(':') {
		if s, ok = p.digits(1, 2); !ok || s > 59 {
			return 0, 0, 0, 0, false
		}
		if p.eat('.') {
			start := p.i
			var f int64
			if f, ok = p.digits(1, 9); !ok {
				return 0, 0, 0, 0, false
			}
			for n := p.i - start; n < 9; n++ {
				f *= 10
			}
			frac = f / 1000 // nanoseconds to microseconds, truncating
		}
	}
	return h, mi, s, frac, true
}

// zone reads an optional zone and returns its offset east of UTC in
// seconds at the given wall time.
func (p *dtParser) zone(y, mo, d, h, mi, s int64) (int64, bool) {
	for !p.done() && p.peek() == ' ' {
		p.i++
	}
	if p.done() {
		return 0, true
	}
	rest := p.s[p.i:]
	switch {
	case rest == "Z":
		p.i = len(p.s)
		return 0, true
	case rest[0] == '+' || rest[0] == '-':
		return p.offset()
	}
	for _, prefix := range []string{"UTC", "GMT", "UT"} {
		if r, ok := strings.CutPrefix(rest, prefix); ok {
			p.i += len(prefix)
			if r == "" {
				return 0, true
			}
			return p.offset()
		}
	}
	loc, ok := LoadRegion(rest)
	if !ok {
		return 0, false
	}
	p.i = len(p.s)
	wall := time.Date(int(y), time.Month(mo), int(d), int(h), int(mi), int(s), 0, loc)
	_, off := wall.Zone()
	return int64(off), true
}

func (p *dtParser) offset() (int64, bool) {
	sign := int64(1)
	if p.peek() == '-' {
		sign = -1
	}
	p.i++
	h, ok := p.digits(1, 2)
	if !ok || h > 18 {
		return 0, false
	}
	var m int64
	if p.eat(':') {
		if m, ok = p.digits(2, 2); !ok {
			return 0, false
		}
	} else if !p.done() {
		if m, ok = p.digits(2, 2); !ok {
			return 0, false
		}
	}
	if m > 59 {
		return 0, false
	}
	return sign * (h*3600 + m*60), true
}

// FormatTimestamp writes microseconds since the epoch as Spark casts a
// timestamp to string in a UTC session: "2024-05-17 13:45:12.345", the
// fraction without trailing zeros and absent when zero.
func FormatTimestamp(dst []byte, us int64) []byte {
	day, inDay := SplitMicros(us)
	dst = FormatDate(dst, day)
	secs := inDay / MicrosPerSecond
	dst = append(dst, ' ')
	dst = append2(dst, secs/3600)
	dst = append(dst, ':')
	dst = append2(dst, secs/60%60)
	dst = append(dst, ':')
	dst = append2(dst, secs%60)
	if frac := inDay % MicrosPerSecond; frac != 0 {
		var buf [7]byte
		buf[0] = '.'
		for i := 6; i >= 1; i-- {
			buf[i] = byte('0' + frac%10)
			frac /= 10
		}
		n := 7
		for buf[n-1] == '0' {
			n--
		}
		dst = append(dst, buf[:n]...)
	}
	return dst
}

// FormatDate writes a day number as yyyy-MM-dd.
func FormatDate(dst []byte, day int64) []byte {
	y, m, d := CivilFromDays(day)
	if y < 0 {
		dst = append(dst, '-')
		y = -y
	}
	if y < 1000 {
		dst = append(dst, "000"[:3-digitsOf(y)+1]...)
	}
	dst = strconv.AppendInt(dst, y, 10)
	dst = append(dst, '-')
	dst = append2(dst, m)
	dst = append(dst, '-')
	return append2(dst, d)
}

func digitsOf(v int64) int {
	n := 1
	for v >= 10 {
		v /= 10
		n++
	}
	return n
}

func append2(dst []byte, v int64) []byte {
	return append(dst, byte('0'+v/10), byte('0'+v%10))
}
