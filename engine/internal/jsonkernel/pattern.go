package jsonkernel

import (
	"fmt"
	"strings"
)

// goLayout translates a Spark (java.time) datetime pattern into a Go time
// layout. It covers the letters people use for JSON: y M d H h m s S a E
// X x Z z and 'quoted text'; anything else is an error naming the letter.
func goLayout(pattern string) (string, error) {
	var out strings.Builder
	for i := 0; i < len(pattern); {
		c := pattern[i]
		if c == '\'' {
			j := strings.IndexByte(pattern[i+1:], '\'')
			if j < 0 {
				return "", fmt.Errorf("jsonkernel: unterminated quote in datetime pattern %q", pattern)
			}
			if j == 0 {
				out.WriteByte('\'') // '' is a literal quote
			} else {
				out.WriteString(pattern[i+1 : i+1+j])
			}
			i += j + 2
			continue
		}
		n := 1
		for i+n < len(pattern) && pattern[i+n] == c {
			n++
		}
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			out.WriteString(pattern[i : i+n])
			i += n
			continue
		}
		lay, err := layoutFor(c, n, out.String())
		if err != nil {
			return "", fmt.Errorf("jsonkernel: datetime pattern %q: %w", pattern, err)
		}
		out.WriteString(lay)
		i += n
	}
	return out.String(), nil
}

// layoutFor returns the Go layout of n repetitions of the pattern letter c.
// before is the layout so far (a fraction needs a '.' or ',' before it).
func layoutFor(c byte, n int, before string) (string, error) {
	pick := func(opts ...string) string { return opts[min(n, len(opts))-1] }
	switch c {
	case 'y', 'u':
		if n == 2 {
			return "06", nil
		}
		return "2006", nil
	case 'M', 'L':
		return pick("1", "01", "Jan", "January"), nil
	case 'd':
		return pick("2", "02"), nil
	case 'H':
		return "15", nil
	case 'h':
		return pick("3", "03"), nil
	case 'm':
		return pick("4", "04"), nil
	case 's':
		return pick("5", "05"), nil
	case 'S':
		if !strings.HasSuffix(before, ".") && !strings.HasSuffix(before, ",") {
			return "", fmt.Errorf("fraction S must follow '.' or ','")
		}
		return strings.Repeat("0", n), nil
	case 'a':
		return "PM", nil
	case 'E':
		return pick("Mon", "Mon", "Mon", "Monday"), nil
	case 'X':
		return pick("Z07", "Z0700", "Z07:00"), nil
	case 'x':
		return pick("-07", "-0700", "-07:00"), nil
	case 'Z':
		return pick("-0700", "-0700", "-0700", "-0700", "Z07:00"), nil
	case 'z':
		return "MST", nil
	}
	return "", fmt.Errorf("unsupported pattern letter %q", c)
}
