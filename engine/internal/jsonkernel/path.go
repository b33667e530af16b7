package jsonkernel

import (
	"fmt"
	"strconv"
	"strings"
)

// Path is a compiled JSON path of the subset Spark's get_json_object reads:
// $ followed by .name, ['name'], [index] and [*]. Spark also parses .* and
// ['*'] but they never match anything; so do ours.
type Path struct {
	text  string
	steps []step
}

type stepKind uint8

const (
	stepKey      stepKind = iota // .name or ['name']
	stepIndex                    // [n]
	stepWildcard                 // [*]
	stepNever                    // .* or ['*']
)

type step struct {
	kind  stepKind
	name  string
	index int
}

// ParsePath compiles a JSON path. Spark returns null for every row when the
// path is invalid; we return an error wrapping ErrInvalidPath so that a
// literal path can be refused when the plan is built.
func ParsePath(text string) (*Path, error) {
	if !strings.HasPrefix(text, "$") {
		return nil, fmt.Errorf("%w %q: it must start with $", ErrInvalidPath, text)
	}
	p := &Path{text: text}
	rest := text[1:]
	for rest != "" {
		st, n, err := parseStep(rest)
		if err != nil {
			return nil, fmt.Errorf("%w %q at %q: %v", ErrInvalidPath, text, rest, err)
		}
		p.steps = append(p.steps, st)
		rest = rest[n:]
	}
	return p, nil
}

// parseStep reads one step at the start of s and returns its length.
func parseStep(s string) (step, int, error) {
	switch {
	case strings.HasPrefix(s, ".*"), strings.HasPrefix(s, "['*']"):
		n := 2
		if s[0] == '[' {
			n = 5
		}
		return step{kind: stepNever}, n, nil
	case s[0] == '.':
		n := strings.IndexAny(s[1:], ".[")
		if n < 0 {
			n = len(s) - 1
		}
		if n == 0 {
			return step{}, 0, fmt.Errorf("empty field name")
		}
		return step{kind: stepKey, name: s[1 : 1+n]}, 1 + n, nil
	case strings.HasPrefix(s, "['"):
		n := strings.IndexByte(s[2:], '\'')
		if n <= 0 || !strings.HasPrefix(s[2+n:], "']") {
			return step{}, 0, fmt.Errorf("expected ['name']")
		}
		return step{kind: stepKey, name: s[2 : 2+n]}, 2 + n + 2, nil
	case strings.HasPrefix(s, "[*]"):
		return step{kind: stepWildcard}, 3, nil
	case s[0] == '[':
		n := strings.IndexByte(s, ']')
		if n < 2 {
			return step{}, 0, fmt.Errorf("expected [index], [*] or ['name']")
		}
		idx, err := strconv.Atoi(s[1:n])
		if err != nil || idx < 0 || strings.ContainsAny(s[1:n], "+-") {
			return step{}, 0, fmt.Errorf("index %q is not a non-negative integer", s[1:n])
		}
		return step{kind: stepIndex, index: idx}, n + 1, nil
	}
	return step{}, 0, fmt.Errorf("expected .name, ['name'], [index] or [*]")
}

// String returns the path as written.
func (p *Path) String() string { return p.text }
