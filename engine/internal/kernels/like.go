package kernels

import (
	"fmt"
	"regexp"
	"strings"
)

// LikeMatcher matches strings against a SQL LIKE pattern: '_' is any one
// character, '%' any sequence, and the escape character (default '\')
// makes the next '_', '%' or escape character literal.
type LikeMatcher struct {
	kind likeKind
	lit  string
	re   *regexp.Regexp
}

type likeKind uint8

const (
	likeEqual likeKind = iota
	likePrefix
	likeSuffix
	likeContains
	likeRegexp
)

// CompileLike compiles pattern. Common shapes ("abc", "abc%", "%abc",
// "%abc%") match without a regexp.
func CompileLike(pattern string, escape rune) (*LikeMatcher, error) {
	var lit strings.Builder
	var re strings.Builder
	re.WriteString(`(?s)\A`)
	var parts []string // literal runs between wildcards
	var wild []rune    // the wildcards, in order
	rs := []rune(pattern)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case c == escape:
			if i+1 >= len(rs) {
				return nil, fmt.Errorf("the escape character %q cannot end the pattern %q", escape, pattern)
			}
			next := rs[i+1]
			if next != '_' && next != '%' && next != escape {
				return nil, fmt.Errorf("the escape character %q is not allowed to precede %q in pattern %q", escape, next, pattern)
			}
			lit.WriteRune(next)
			re.WriteString(regexp.QuoteMeta(string(next)))
			i++
		case c == '_' || c == '%':
			parts = append(parts, lit.String())
			lit.Reset()
			wild = append(wild, c)
			if c == '_' {
				re.WriteString(".")
			} else {
				re.WriteString(".*")
			}
		default:
			lit.WriteRune(c)
			re.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	parts = append(parts, lit.String())
	re.WriteString(`\z`)
	if m, ok := likeFastPath(parts, wild); ok {
		return m, nil
	}
	compiled, err := regexp.Compile(re.String())
	if err != nil {
		return nil, fmt.Errorf("pattern %q: %v", pattern, err)
	}
	return &LikeMatcher{kind: likeRegexp, re: compiled}, nil
}

func likeFastPath(parts []string, wild []rune) (*LikeMatcher, bool) {
	for _, w := range wild {
		if w != '%' {
			return nil, false
		}
	}
	switch {
	case len(wild) == 0:
		return &LikeMatcher{kind: likeEqual, lit: parts[0]}, true
	case len(wild) == 1 && parts[1] == "":
		return &LikeMatcher{kind: likePrefix, lit: parts[0]}, true
	case len(wild) == 1 && parts[0] == "":
		return &LikeMatcher{kind: likeSuffix, lit: parts[1]}, true
	case len(wild) == 2 && parts[0] == "" && parts[2] == "":
		return &LikeMatcher{kind: likeContains, lit: parts[1]}, true
	}
	return nil, false
}

// Match says whether s matches the pattern.
func (m *LikeMatcher) Match(s string) bool {
	switch m.kind {
	case likeEqual:
		return s == m.lit
	case likePrefix:
		return strings.HasPrefix(s, m.lit)
	case likeSuffix:
		return strings.HasSuffix(s, m.lit)
	case likeContains:
		return strings.Contains(s, m.lit)
	}
	return m.re.MatchString(s)
}
