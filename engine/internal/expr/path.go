package expr

import "strings"

// ColumnPath is a parsed column reference: "a.b.c" is [a b c]; backticks
// quote a name holding dots ("`a.b`.c" is [a.b c]); a trailing ".*" (or a
// lone "*") asks for every field.
type ColumnPath struct {
	Parts []string
	Star  bool
}

// ParseColumnPath parses a column reference as Spark's col() does.
func ParseColumnPath(s string) (ColumnPath, error) {
	var p ColumnPath
	if s == "*" {
		return ColumnPath{Star: true}, nil
	}
	if rest, ok := strings.CutSuffix(s, ".*"); ok {
		p.Star = true
		s = rest
	}
	var cur strings.Builder
	quoted, wasQuoted := false, false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == '`' && quoted && i+1 < len(s) && s[i+1] == '`':
			cur.WriteByte('`') // `` inside quotes is a literal backtick
			i++
		case ch == '`':
			quoted = !quoted
			wasQuoted = true
		case ch == '.' && !quoted:
			if cur.Len() == 0 && !wasQuoted {
				return p, analysisf("bad column reference %q: empty name between dots", s)
			}
			p.Parts = append(p.Parts, cur.String())
			cur.Reset()
			wasQuoted = false
		default:
			cur.WriteByte(ch)
		}
	}
	if quoted {
		return p, analysisf("bad column reference %q: unclosed backtick", s)
	}
	if cur.Len() == 0 && !wasQuoted {
		return p, analysisf("bad column reference %q: empty name", s)
	}
	p.Parts = append(p.Parts, cur.String())
	return p, nil
}

// QuoteName quotes a column name for use in a path when it holds dots or
// backticks, so ParseColumnPath gives the name back.
func QuoteName(name string) string {
	if !strings.ContainsAny(name, ".`") && name != "*" && name != "" {
		return name
	}
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}
