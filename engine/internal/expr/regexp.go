package expr

import (
	"regexp"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/spate-io/spate/engine/plan"
)

// Regular expression functions (compute has none in Go). Patterns are
// literals compiled once at resolution with Go's RE2 syntax, which agrees
// with Java's for everything but backreferences and lookaround; those are
// refused with the pattern named.

func init() {
	register(resolveRLike, "rlike")
	register(resolveSplit, "split")
	register(resolveRegexpExtract, "regexp_extract")
	register(resolveRegexpReplace, "regexp_replace")
}

func compilePattern(r *Resolver, fn string, e Expr) (*regexp.Regexp, error) {
	p, err := literalString(fn, "pattern", e)
	if err != nil {
		return nil, err
	}
	re, err := regexp.Compile(p)
	if err != nil {
		return nil, analysisf("%s in %s: pattern %q is not valid RE2 syntax (no backreferences or lookaround): %v", fn, r.Where, p, err)
	}
	return re, nil
}

func resolveRLike(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	s, err := stringArg(r, "rlike", args[0], false)
	if err != nil {
		return nil, err
	}
	re, err := compilePattern(r, "rlike", args[1])
	if err != nil {
		return nil, err
	}
	return &predicate{name: s.Name() + " RLIKE " + re.String(), in: s, test: re.MatchString}, nil
}

// resolveSplit: split(str, regex[, limit]) into list<string>, keeping
// empty strings between and after separators as Java's split(regex, -1).
// A limit > 0 caps the number of parts; <= 0 means no cap.
func resolveSplit(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	s, err := stringArg(r, "split", args[0], false)
	if err != nil {
		return nil, err
	}
	re, err := compilePattern(r, "split", args[1])
	if err != nil {
		return nil, err
	}
	limit := int64(-1)
	if len(args) == 3 {
		if limit, err = literalInt("split", "limit", args[2]); err != nil {
			return nil, err
		}
		if limit <= 0 {
			limit = -1
		}
	}
	dt := arrow.ListOf(arrow.BinaryTypes.String)
	return &fnExpr{name: "split", args: []Expr{s}, dt: dt, k: func(c *Ctx, n int, in []arrow.Array) (arrow.Array, error) {
		return splitKernel(c, n, in[0], re, int(limit), dt), nil
	}}, nil
}

func splitKernel(c *Ctx, n int, in arrow.Array, re *regexp.Regexp, limit int, dt *arrow.ListType) arrow.Array {
	lb := array.NewListBuilderWithField(c.Mem, dt.ElemField())
	defer lb.Release()
	vb := lb.ValueBuilder().(*array.StringBuilder)
	vb.ReserveData(dataLen(in))
	for i := 0; i < n; i++ {
		if in.IsNull(i) {
			lb.AppendNull()
			continue
		}
		lb.Append(true)
		for _, part := range re.Split(strAt(in, i), limit) {
			vb.Append(part)
		}
	}
	return lb.NewArray()
}

// resolveRegexpExtract: group idx of the first match, "" when nothing
// matches or the group took no part, as Spark.
func resolveRegexpExtract(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	s, err := stringArg(r, "regexp_extract", args[0], false)
	if err != nil {
		return nil, err
	}
	re, err := compilePattern(r, "regexp_extract", args[1])
	if err != nil {
		return nil, err
	}
	idx, err := literalInt("regexp_extract", "group index", args[2])
	if err != nil {
		return nil, err
	}
	if idx < 0 || idx > int64(re.NumSubexp()) {
		return nil, analysisf("regexp_extract in %s: group %d does not exist; pattern %q has %d groups", r.Where, idx, re.String(), re.NumSubexp())
	}
	return &fnExpr{name: "regexp_extract", args: []Expr{s}, dt: s.Type(), k: func(c *Ctx, n int, in []arrow.Array) (arrow.Array, error) {
		return mapStrings(c, in[0], func(dst []byte, v string) []byte {
			m := re.FindStringSubmatchIndex(v)
			if m == nil || m[2*idx] < 0 {
				return dst
			}
			return append(dst, v[m[2*idx]:m[2*idx+1]]...)
		}), nil
	}}, nil
}

// resolveRegexpReplace: every match replaced; the replacement uses Java's
// syntax ($1 for a group, \$ for a dollar), translated to Go's.
func resolveRegexpReplace(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	s, err := stringArg(r, "regexp_replace", args[0], false)
	if err != nil {
		return nil, err
	}
	re, err := compilePattern(r, "regexp_replace", args[1])
	if err != nil {
		return nil, err
	}
	rep, err := literalString("regexp_replace", "replacement", args[2])
	if err != nil {
		return nil, err
	}
	tmpl := javaReplacement(rep)
	return &fnExpr{name: "regexp_replace", args: []Expr{s}, dt: s.Type(), k: func(c *Ctx, n int, in []arrow.Array) (arrow.Array, error) {
		return mapStrings(c, in[0], func(dst []byte, v string) []byte {
			return append(dst, re.ReplaceAllString(v, tmpl)...)
		}), nil
	}}, nil
}

// javaReplacement turns Java's "$1-\$" into Go's "${1}-$$".
func javaReplacement(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s):
			i++
			if s[i] == '$' {
				b.WriteString("$$")
			} else {
				b.WriteByte(s[i])
			}
		case c == '$':
			j := i + 1
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			if j == i+1 {
				b.WriteString("$$")
				continue
			}
			b.WriteString("${" + s[i+1:j] + "}")
			i = j - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
