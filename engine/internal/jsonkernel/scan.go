package jsonkernel

import (
	"unicode/utf8"

	"github.com/spate-io/spate/engine/internal/kernels"
)

// scanner validates JSON text in place. It never builds a tree: callers ask
// where a token ends and read its bytes from the input.
//
// Positions are byte offsets into in. Every method that reads at i first
// checks i < len(in), so truncated input is an error, never a panic.
type scanner struct {
	in           []byte
	leadingZeros bool // accept 007
	nonNumeric   bool // accept NaN, Infinity, +INF, -INF, ...
	singleQuotes bool // accept 'text'
	ctrlChars    bool // accept raw control characters in strings
	maxDepth     int
	maxString    int
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' }

// ws returns the position of the first non-whitespace byte at or after i.
func (s *scanner) ws(i int) int {
	for i < len(s.in) && isSpace(s.in[i]) {
		i++
	}
	return i
}

// isQuote reports whether c opens a string under the scanner's options.
func (s *scanner) isQuote(c byte) bool {
	return c == '"' || (c == '\'' && s.singleQuotes)
}

// plainByte marks bytes a string scan can step over without a second look:
// printable ASCII other than quotes and backslash.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\'' && c != '\\'
	}
	return t
}()

// str scans the string whose opening quote is at i. It returns the position
// after the closing quote and whether the content in[i+1:end-1] is already
// the decoded text (no escapes, valid UTF-8).
func (s *scanner) str(i int) (end int, clean bool, err *rowError) {
	in := s.in
	q := in[i]
	start := i + 1
	clean = true
	j := start
	for {
		for j < len(in) && plainByte[in[j]] {
			j++
		}
		if j >= len(in) {
			return j, false, syntaxErr(i, "unterminated string")
		}
		c := in[j]
		switch {
		case c == q:
			if j-start > s.maxString {
				return j, false, syntaxErr(i, "string of %d bytes exceeds the limit of %d", j-start, s.maxString)
			}
			return j + 1, clean, nil
		case c == '"' || c == '\'':
			j++ // the other quote is an ordinary character here
		case c == '\\':
			n, e := s.escape(j)
			if e != nil {
				return j, false, e
			}
			j += n
			clean = false
		case c < 0x20:
			if !s.ctrlChars {
				return j, false, syntaxErr(j, "unescaped control character 0x%02x in string", c)
			}
			j++
		default: // c >= 0x80
			r, size := utf8.DecodeRune(in[j:])
			if r == utf8.RuneError && size == 1 {
				clean = false // repaired to U+FFFD when decoded
			}
			j += size
		}
	}
}

// escape validates the escape sequence at i (the backslash) and returns its
// length.
func (s *scanner) escape(i int) (int, *rowError) {
	in := s.in
	if i+1 >= len(in) {
		return 0, syntaxErr(i, "unterminated escape sequence")
	}
	switch in[i+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2, nil
	case '\'':
		if s.singleQuotes {
			return 2, nil
		}
	case 'u':
		if i+6 > len(in) {
			return 0, syntaxErr(i, "truncated \\u escape")
		}
		for k := i + 2; k < i+6; k++ {
			if kernels.HexDigit(in[k]) < 0 {
				return 0, syntaxErr(k, "invalid hex digit %q in \\u escape", in[k])
			}
		}
		return 6, nil
	}
	return 0, syntaxErr(i, "invalid escape sequence \\%c", in[i+1])
}

// num scans the number at i (a '-' or a digit). isFloat is true when it has
// a fraction or an exponent.
func (s *scanner) num(i int) (end int, isFloat bool, err *rowError) {
	in := s.in
	j := i
	if j < len(in) && in[j] == '-' {
		j++
	}
	d := j
	for j < len(in) && isDigit(in[j]) {
		j++
	}
	switch {
	case j == d:
		return j, false, syntaxErr(i, "invalid number: no digits")
	case in[d] == '0' && j-d > 1 && !s.leadingZeros:
		return j, false, syntaxErr(i, "invalid number: leading zeros are not allowed")
	}
	if j < len(in) && in[j] == '.' {
		isFloat = true
		j++
		f := j
		for j < len(in) && isDigit(in[j]) {
			j++
		}
		if j == f {
			return j, true, syntaxErr(i, "invalid number: no digits after the decimal point")
		}
	}
	if j < len(in) && (in[j] == 'e' || in[j] == 'E') {
		isFloat = true
		j++
		if j < len(in) && (in[j] == '+' || in[j] == '-') {
			j++
		}
		e := j
		for j < len(in) && isDigit(in[j]) {
			j++
		}
		if j == e {
			return j, true, syntaxErr(i, "invalid number: no digits in the exponent")
		}
	}
	if j-i > maxNumberLength {
		return j, isFloat, syntaxErr(i, "number of %d characters exceeds the limit of %d", j-i, maxNumberLength)
	}
	if j < len(in) && isWordByte(in[j]) {
		return j, isFloat, syntaxErr(j, "invalid character %q after number", in[j])
	}
	return j, isFloat, nil
}

// isWordByte reports bytes that may not directly follow a number or literal.
func isWordByte(c byte) bool {
	return isDigit(c) || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || c == '_' || c == '.' || c == '+' || c == '-' || c >= 0x80
}

// nonNumericTokens are the unquoted tokens Jackson accepts with
// ALLOW_NON_NUMERIC_NUMBERS, with their values' signs (0 for NaN).
var nonNumericTokens = []struct {
	text string
	sign int
}{
	{"NaN", 0}, {"Infinity", 1}, {"+Infinity", 1}, {"+INF", 1}, {"-Infinity", -1}, {"-INF", -1},
}

// nonNumericAt matches a NaN/Infinity token at i. ok is false when there is
// none or the scanner refuses them.
func (s *scanner) nonNumericAt(i int) (end, sign int, ok bool) {
	if !s.nonNumeric {
		return i, 0, false
	}
	for _, t := range nonNumericTokens {
		if hasPrefixAt(s.in, i, t.text) {
			end = i + len(t.text)
			if end < len(s.in) && isWordByte(s.in[end]) {
				continue // e.g. "-INFinity" is not "-INF"
			}
			return end, t.sign, true
		}
	}
	return i, 0, false
}

func hasPrefixAt(in []byte, i int, p string) bool {
	return len(in)-i >= len(p) && string(in[i:i+len(p)]) == p
}

// lit matches the literal word (true, false, null) at i.
func (s *scanner) lit(i int, word string) (int, *rowError) {
	if !hasPrefixAt(s.in, i, word) {
		return i, syntaxErr(i, "invalid literal, expected %s", word)
	}
	end := i + len(word)
	if end < len(s.in) && isWordByte(s.in[end]) {
		return end, syntaxErr(end, "invalid character %q after %s", s.in[end], word)
	}
	return end, nil
}

// skip validates the value at i (no leading whitespace) and returns the
// position after it. depth is the nesting depth of the value's container.
func (s *scanner) skip(i, depth int) (int, *rowError) {
	if i >= len(s.in) {
		return i, syntaxErr(i, "unexpected end of input, expected a value")
	}
	c := s.in[i]
	switch {
	case s.isQuote(c):
		end, _, err := s.str(i)
		return end, err
	case c == '{':
		return s.skipObject(i, depth+1)
	case c == '[':
		return s.skipArray(i, depth+1)
	case c == 't':
		return s.lit(i, "true")
	case c == 'f':
		return s.lit(i, "false")
	case c == 'n':
		return s.lit(i, "null")
	}
	if end, _, ok := s.nonNumericAt(i); ok {
		return end, nil
	}
	if c == '-' || isDigit(c) {
		end, _, err := s.num(i)
		return end, err
	}
	return i, unexpected(s.in, i, "a value")
}

// unexpected describes the byte at i where want was expected.
func unexpected(in []byte, i int, want string) *rowError {
	if i >= len(in) {
		return syntaxErr(i, "unexpected end of input, expected %s", want)
	}
	return syntaxErr(i, "invalid character %q, expected %s", in[i], want)
}

func (s *scanner) tooDeep(i, depth int) *rowError {
	if depth > s.maxDepth {
		return syntaxErr(i, "nesting deeper than %d levels", s.maxDepth)
	}
	return nil
}

func (s *scanner) skipObject(i, depth int) (int, *rowError) {
	if err := s.tooDeep(i, depth); err != nil {
		return i, err
	}
	j := s.ws(i + 1)
	if j < len(s.in) && s.in[j] == '}' {
		return j + 1, nil
	}
	for {
		kend, err := s.key(j)
		if err != nil {
			return kend, err
		}
		if j, err = s.skip(kend, depth); err != nil {
			return j, err
		}
		var done bool
		if j, done, err = s.next(j, '}'); err != nil || done {
			return j, err
		}
	}
}

func (s *scanner) skipArray(i, depth int) (int, *rowError) {
	if err := s.tooDeep(i, depth); err != nil {
		return i, err
	}
	j := s.ws(i + 1)
	if j < len(s.in) && s.in[j] == ']' {
		return j + 1, nil
	}
	for {
		var err *rowError
		if j, err = s.skip(j, depth); err != nil {
			return j, err
		}
		var done bool
		if j, done, err = s.next(j, ']'); err != nil || done {
			return j, err
		}
	}
}

// key scans an object key at i and its colon, and returns the position of
// the value (after whitespace).
func (s *scanner) key(i int) (int, *rowError) {
	if i >= len(s.in) || !s.isQuote(s.in[i]) {
		return i, unexpected(s.in, i, "a quoted field name")
	}
	end, _, err := s.str(i)
	if err != nil {
		return end, err
	}
	j := s.ws(end)
	if j >= len(s.in) || s.in[j] != ':' {
		return j, unexpected(s.in, j, "':' after a field name")
	}
	return s.ws(j + 1), nil
}

// next steps over whitespace and a ',' (returning the position of the next
// element) or the closing byte (done).
func (s *scanner) next(i int, closing byte) (int, bool, *rowError) {
	j := s.ws(i)
	if j >= len(s.in) {
		return j, false, unexpected(s.in, j, "',' or '"+string(closing)+"'")
	}
	switch s.in[j] {
	case ',':
		return s.ws(j + 1), false, nil
	case closing:
		return j + 1, true, nil
	}
	return j, false, unexpected(s.in, j, "',' or '"+string(closing)+"'")
}
