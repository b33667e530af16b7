package jsonkernel

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// GetJSONObject is Spark's get_json_object: for each row, the value at path
// as text, or null when the row is null, not valid JSON, or has nothing at
// the path. A string is returned without quotes; anything else as compact
// JSON. See Path.Eval for the details.
func GetJSONObject(mem memory.Allocator, values arrow.Array, path string) (*array.String, error) {
	p, err := ParsePath(path)
	if err != nil {
		return nil, err
	}
	return p.Eval(mem, values)
}

// Eval applies the path to every row of values (string or binary JSON).
// Spark's rules, from its GetJsonObjectEvaluator:
//
//   - The whole top-level value must be valid JSON (single quotes and raw
//     control characters allowed, NaN not), else null. Text after it is
//     ignored.
//   - A field whose value is null does not match, so null is returned;
//     with repeated keys the first non-null match wins.
//   - [*] over several matches gives a JSON array of them; over exactly one
//     match it gives that match alone, still JSON-quoted if it is a string;
//     [*][*] flattens.
//   - Numbers are returned as written (Spark re-prints them through
//     Jackson, which can turn 1e3 into 1000.0).
func (p *Path) Eval(mem memory.Allocator, values arrow.Array) (*array.String, error) {
	in, err := newTexts(values)
	if err != nil {
		return nil, err
	}
	b := array.NewStringBuilder(mem)
	defer b.Release()
	ev := pathEval{s: scanner{singleQuotes: true, ctrlChars: true, maxDepth: defaultMaxDepth, maxString: defaultMaxStringLength}}
	for i := 0; i < values.Len(); i++ {
		if values.IsNull(i) {
			b.AppendNull()
			continue
		}
		if out, ok := ev.row(in.value(i), p.steps); ok {
			b.BinaryBuilder.Append(out)
		} else {
			b.AppendNull()
		}
	}
	return b.NewStringArray(), nil
}

type writeStyle uint8

const (
	styleRaw     writeStyle = iota // a string leaf is written unquoted
	styleQuoted                    // inside a wildcard: leaves stay JSON
	styleFlatten                   // inside [*][*]: arrays merge into the parent
)

type pathEval struct {
	s scanner
	g generator
}

// row evaluates the path over one text.
func (e *pathEval) row(text []byte, steps []step) ([]byte, bool) {
	e.s.in = text
	i := e.s.ws(0)
	if i == len(text) {
		return nil, false
	}
	if _, err := e.s.skip(i, 0); err != nil {
		return nil, false
	}
	e.g.out, e.g.open = e.g.out[:0], e.g.open[:0]
	if !e.eval(i, steps, styleRaw) {
		return nil, false
	}
	return e.g.out, true
}

// eval writes what the steps select from the validated value at i and
// reports whether anything matched.
func (e *pathEval) eval(i int, steps []step, style writeStyle) bool {
	in := e.s.in
	c := in[i]
	if len(steps) == 0 {
		switch {
		case e.s.isQuote(c) && style == styleRaw:
			end, _, _ := e.s.str(i)
			e.g.out = appendUnescaped(e.g.out, in, i+1, end-1)
		case c == '[' && style == styleFlatten:
			dirty := false
			e.elements(i, func(j int) bool { dirty = e.eval(j, nil, style) || dirty; return true })
			return dirty
		default:
			e.g.copyValue(&e.s, i)
		}
		return true
	}
	st := steps[0]
	switch {
	case c == '{' && st.kind == stepKey:
		return e.field(i, st.name, steps[1:], style)
	case c != '[':
		return false
	case st.kind == stepWildcard && len(steps) > 1 && steps[1].kind == stepWildcard:
		dirty := false
		e.g.startArray()
		e.elements(i, func(j int) bool { dirty = e.eval(j, steps[2:], styleFlatten) || dirty; return true })
		e.g.endArray()
		return dirty
	case st.kind == stepWildcard && style != styleQuoted:
		return e.wildcard(i, steps[1:], style)
	case st.kind == stepWildcard:
		dirty := false
		e.g.startArray()
		e.elements(i, func(j int) bool { dirty = e.eval(j, steps[1:], styleQuoted) || dirty; return true })
		e.g.endArray()
		return dirty
	case st.kind == stepIndex:
		next := style
		if len(steps) > 1 && steps[1].kind == stepWildcard {
			next = styleQuoted // one or more results follow
		}
		dirty, k := false, 0
		e.elements(i, func(j int) bool {
			if k == st.index {
				dirty = e.eval(j, steps[1:], next)
				return false
			}
			k++
			return true
		})
		return dirty
	}
	return false
}

// field evaluates the rest of the path on the first non-null value of the
// key name that matches.
func (e *pathEval) field(i int, name string, rest []step, style writeStyle) bool {
	in := e.s.in
	j := e.s.ws(i + 1)
	if in[j] == '}' {
		return false
	}
	for {
		kend, clean, _ := e.s.str(j)
		var key []byte
		if clean {
			key = in[j+1 : kend-1]
		} else {
			key = appendUnescaped(nil, in, j+1, kend-1)
		}
		v := e.s.ws(e.s.ws(kend) + 1)
		if string(key) == name && in[v] != 'n' && e.eval(v, rest, style) {
			return true
		}
		end, _ := e.s.skip(v, 0)
		j = e.s.ws(end)
		if in[j] == '}' {
			return false
		}
		j = e.s.ws(j + 1)
	}
}

// wildcard collects the matches of the rest of the path in every element,
// and writes them as an array, or alone when there is exactly one (Hive's
// behaviour, kept by Spark).
func (e *pathEval) wildcard(i int, rest []step, style writeStyle) bool {
	next := styleQuoted
	if style == styleFlatten {
		next = styleFlatten
	}
	outer := e.g
	e.g = generator{out: make([]byte, 0, 64)}
	e.g.startArray()
	dirty := 0
	e.elements(i, func(j int) bool {
		if e.eval(j, rest, next) {
			dirty++
		}
		return true
	})
	e.g.endArray()
	buf := e.g.out
	e.g = outer
	switch {
	case dirty > 1:
		e.g.rawValue(buf)
	case dirty == 1:
		e.g.rawValue(buf[1 : len(buf)-1])
	}
	return dirty > 0
}

// elements calls fn with the position of each element of the validated
// array at i until fn returns false.
func (e *pathEval) elements(i int, fn func(j int) bool) {
	in := e.s.in
	j := e.s.ws(i + 1)
	if in[j] == ']' {
		return
	}
	for {
		end, _ := e.s.skip(j, 0)
		if !fn(j) {
			return
		}
		j = e.s.ws(end)
		if in[j] == ']' {
			return
		}
		j = e.s.ws(j + 1)
	}
}
