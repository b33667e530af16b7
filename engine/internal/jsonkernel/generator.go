package jsonkernel

import "unicode/utf8"

// generator writes compact JSON, inserting commas between the values of an
// open array the way Jackson's JsonGenerator does, which get_json_object's
// wildcard results depend on.
type generator struct {
	out  []byte
	open []bool // per open array: has it a value yet?
}

// sep writes the comma a new value needs in the current array.
func (g *generator) sep() {
	if k := len(g.open) - 1; k >= 0 {
		if g.open[k] {
			g.out = append(g.out, ',')
		}
		g.open[k] = true
	}
}

func (g *generator) startArray() {
	g.sep()
	g.out = append(g.out, '[')
	g.open = append(g.open, false)
}

func (g *generator) endArray() {
	g.open = g.open[:len(g.open)-1]
	g.out = append(g.out, ']')
}

// rawValue writes already-encoded JSON as one value.
func (g *generator) rawValue(b []byte) {
	g.sep()
	g.out = append(g.out, b...)
}

// copyValue writes the validated value at i of s compactly: whitespace
// dropped, strings re-quoted with double quotes and minimal escapes,
// numbers and literals as written.
func (g *generator) copyValue(s *scanner, i int) int {
	g.sep()
	var end int
	g.out, end = appendCompact(g.out, s, i)
	return end
}

// appendCompact appends the compact form of the validated value at i.
func appendCompact(out []byte, s *scanner, i int) ([]byte, int) {
	in := s.in
	switch c := in[i]; {
	case s.isQuote(c):
		end, _, _ := s.str(i)
		return appendQuoted(out, appendUnescaped(nil, in, i+1, end-1)), end
	case c == '{' || c == '[':
		closing := byte('}')
		if c == '[' {
			closing = ']'
		}
		out = append(out, c)
		j := s.ws(i + 1)
		if in[j] == closing {
			return append(out, closing), j + 1
		}
		for {
			if c == '{' {
				kend, _, _ := s.str(j)
				out = appendQuoted(out, appendUnescaped(nil, in, j+1, kend-1))
				out = append(out, ':')
				j = s.ws(s.ws(kend) + 1)
			}
			out, j = appendCompact(out, s, j)
			j = s.ws(j)
			if in[j] == closing {
				return append(out, closing), j + 1
			}
			out = append(out, ',')
			j = s.ws(j + 1)
		}
	}
	end, _ := s.skip(i, 0)
	return append(out, in[i:end]...), end
}

// appendQuoted appends text as a JSON string: quotes, backslashes and
// control characters escaped, everything else as is (Jackson's defaults).
func appendQuoted(out, text []byte) []byte {
	const hex = "0123456789abcdef"
	out = append(out, '"')
	for i := 0; i < len(text); {
		c := text[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRune(text[i:])
			if r == utf8.RuneError && size == 1 {
				out = append(out, "\uFFFD"...)
			} else {
				out = append(out, text[i:i+size]...)
			}
			i += size
			continue
		}
		switch c {
		case '"', '\\':
			out = append(out, '\\', c)
		case '\b':
			out = append(out, '\\', 'b')
		case '\f':
			out = append(out, '\\', 'f')
		case '\n':
			out = append(out, '\\', 'n')
		case '\r':
			out = append(out, '\\', 'r')
		case '\t':
			out = append(out, '\\', 't')
		default:
			if c < 0x20 {
				out = append(out, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			} else {
				out = append(out, c)
			}
		}
		i++
	}
	return append(out, '"')
}
