package jsonkernel

import (
	"unicode/utf16"
	"unicode/utf8"

	"github.com/spate-io/spate/engine/internal/kernels"
)

// appendUnescaped appends the decoded text of the string content
// in[start:end] (between the quotes, already validated by scanner.str) to
// dst. Escapes are decoded; invalid UTF-8 bytes become U+FFFD one byte at a
// time, as Java's UTF-8 decoder does for Spark; lone surrogates in \u
// escapes also become U+FFFD.
func appendUnescaped(dst, in []byte, start, end int) []byte {
	i := start
	for i < end {
		c := in[i]
		switch {
		case c == '\\':
			var r rune
			r, i = decodeEscape(in, i, end)
			dst = utf8.AppendRune(dst, r)
		case c < utf8.RuneSelf:
			j := i + 1
			for j < end && in[j] < utf8.RuneSelf && in[j] != '\\' {
				j++
			}
			dst = append(dst, in[i:j]...)
			i = j
		default:
			r, size := utf8.DecodeRune(in[i:end])
			if r == utf8.RuneError && size == 1 {
				dst = append(dst, "\uFFFD"...)
			} else {
				dst = append(dst, in[i:i+size]...)
			}
			i += size
		}
	}
	return dst
}

// decodeEscape decodes the escape at in[i] == '\\' and returns the rune and
// the position after it. A high surrogate followed by an escaped low
// surrogate decodes as one rune.
func decodeEscape(in []byte, i, end int) (rune, int) {
	switch in[i+1] {
	case 'b':
		return '\b', i + 2
	case 'f':
		return '\f', i + 2
	case 'n':
		return '\n', i + 2
	case 'r':
		return '\r', i + 2
	case 't':
		return '\t', i + 2
	case 'u':
		r := hex4(in, i+2)
		if utf16.IsSurrogate(r) {
			if i+12 <= end && in[i+6] == '\\' && in[i+7] == 'u' {
				if d := utf16.DecodeRune(r, hex4(in, i+8)); d != utf8.RuneError {
					return d, i + 12
				}
			}
			return utf8.RuneError, i + 6
		}
		return r, i + 6
	}
	return rune(in[i+1]), i + 2 // " \ / '
}

func hex4(in []byte, i int) rune {
	var r rune
	for k := i; k < i+4; k++ {
		r = r<<4 | rune(kernels.HexDigit(in[k]))
	}
	return r
}

// appendUnescapedRaw appends text with each invalid UTF-8 byte replaced by
// U+FFFD and no escape processing.
func appendUnescapedRaw(dst, text []byte) []byte {
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRune(text[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, "\uFFFD"...)
		} else {
			dst = append(dst, text[i:i+size]...)
		}
		i += size
	}
	return dst
}
