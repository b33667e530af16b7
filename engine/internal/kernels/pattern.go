package kernels

import (
	"fmt"
	"strings"
)

// GoLayout translates a Spark datetime pattern ("yyyy-MM-dd HH:mm:ss.SSS")
// into a Go time layout. It supports the letters y, M, L, d, D, H, h, m,
// s, S, a, E, X, x, Z, z and 'quoted text'; other letters are an error
// naming them, as Spark refuses unknown letters.
func GoLayout(pattern string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(pattern); {
		c := pattern[i]
		if c == '\'' {
			end := strings.IndexByte(pattern[i+1:], '\'')
			if end < 0 {
				return "", fmt.Errorf("unclosed quote in datetime pattern %q", pattern)
			}
			text := pattern[i+1 : i+1+end]
			if text == "" {
				text = "'"
			}
			if err := literalOK(text, pattern); err != nil {
				return "", err
			}
			b.WriteString(text)
			i += end + 2
			continue
		}
		n := 1
		for i+n < len(pattern) && pattern[i+n] == c {
			n++
		}
		if !isLetter(c) {
			if err := literalOK(pattern[i:i+n], pattern); err != nil {
				return "", err
			}
			b.WriteString(pattern[i : i+n])
			i += n
			continue
		}
		l, err := layoutFor(c, n, b.String())
		if err != nil {
			return "", fmt.Errorf("datetime pattern %q: %v", pattern, err)
		}
		if c == 'S' && strings.HasSuffix(b.String(), ".") {
			s := b.String()
			b.Reset()
			b.WriteString(s[:len(s)-1])
		}
		b.WriteString(l)
		i += n
	}
	return b.String(), nil
}

func isLetter(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }

// literalOK refuses literal text Go would read as a layout element.
func literalOK(text, pattern string) error {
	if strings.ContainsAny(text, "0123456789") {
		return fmt.Errorf("datetime pattern %q: literal digits are not supported", pattern)
	}
	return nil
}

func layoutFor(c byte, n int, before string) (string, error) {
	pick := func(opts ...string) (string, error) {
		if n > len(opts) {
			n = len(opts)
		}
		if opts[n-1] == "" {
			return "", fmt.Errorf("%d letters %q are not supported", n, string(c))
		}
		return opts[n-1], nil
	}
	switch c {
	case 'y':
		if n == 2 {
			return "06", nil
		}
		return "2006", nil
	case 'M', 'L':
		return pick("1", "01", "Jan", "January")
	case 'd':
		return pick("2", "02")
	case 'D':
		return pick("__2", "__2", "002")
	case 'H':
		return "15", nil
	case 'h':
		return pick("3", "03")
	case 'm':
		return pick("4", "04")
	case 's':
		return pick("5", "05")
	case 'S':
		if n > 9 {
			return "", fmt.Errorf("more than 9 fraction letters")
		}
		return "." + strings.Repeat("0", n), nil
	case 'a':
		return "PM", nil
	case 'E':
		return pick("Mon", "Mon", "Mon", "Monday")
	case 'X':
		return pick("Z07", "Z0700", "Z07:00")
	case 'x':
		return pick("-07", "-0700", "-07:00")
	case 'Z':
		return pick("-0700", "-0700", "-0700")
	case 'z':
		return "MST", nil
	}
	return "", fmt.Errorf("pattern letter %q is not supported (supported: y M L d D H h m s S a E X x Z z)", string(c))
}
