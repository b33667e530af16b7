package engine

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/spate-io/spate/engine/internal/expr"
	"github.com/spate-io/spate/engine/internal/ops"
	"github.com/spate-io/spate/engine/plan"
)

// exprsOf collects the plan expressions of cols, or the first error.
func exprsOf(where string, cols []Column) ([]*plan.Expr, error) {
	out := make([]*plan.Expr, len(cols))
	for i, c := range cols {
		if c.err != nil {
			return nil, c.err
		}
		if c.expr == nil {
			return nil, fmt.Errorf("engine: %s: column %d is empty; build columns with Col, Lit or a function", where, i+1)
		}
		out[i] = c.expr
	}
	return out, nil
}

// Select computes one column per argument (a "c.*" column expands to all
// of struct c's fields).
func (df DataFrame) Select(cols ...Column) DataFrame {
	if df.Err() != nil {
		return df.broken()
	}
	if len(cols) == 0 {
		return DataFrame{s: df.s, err: fmt.Errorf("engine: Select needs at least one column")}
	}
	exprs, err := exprsOf("Select", cols)
	if err != nil {
		return DataFrame{s: df.s, err: err}
	}
	return df.derive(&plan.Node{Kind: plan.NodeProject, Exprs: exprs, Input: df.node}, "Select")
}

// Filter keeps the rows where cond is true (not false, not null).
func (df DataFrame) Filter(cond Column) DataFrame { return df.filter(cond, "Filter") }

// Where is Filter.
func (df DataFrame) Where(cond Column) DataFrame { return df.filter(cond, "Where") }

func (df DataFrame) filter(cond Column, where string) DataFrame {
	if df.Err() != nil {
		return df.broken()
	}
	exprs, err := exprsOf(where, []Column{cond})
	if err != nil {
		return DataFrame{s: df.s, err: err}
	}
	return df.derive(&plan.Node{Kind: plan.NodeFilter, Cond: exprs[0], Input: df.node}, where)
}

// keep lists the DataFrame's columns as references, for projections that
// pass most of them through.
func (df DataFrame) keep(i int) Column { return Col(expr.QuoteName(df.schema.Field(i).Name)) }

// WithColumn adds column name computed by c, or replaces the column of
// that name in place.
func (df DataFrame) WithColumn(name string, c Column) DataFrame {
	if df.Err() != nil {
		return df.broken()
	}
	if c.err != nil {
		return DataFrame{s: df.s, err: c.err}
	}
	cols := make([]Column, 0, df.schema.NumFields()+1)
	replaced := false
	for i, f := range df.schema.Fields() {
		if strings.EqualFold(f.Name, name) {
			cols = append(cols, c.As(name))
			replaced = true
			continue
		}
		cols = append(cols, df.keep(i))
	}
	if !replaced {
		cols = append(cols, c.As(name))
	}
	exprs, err := exprsOf("WithColumn", cols)
	if err != nil {
		return DataFrame{s: df.s, err: err}
	}
	return df.derive(&plan.Node{Kind: plan.NodeProject, Exprs: exprs, Input: df.node}, "WithColumn")
}

// WithColumnRenamed renames column existing to name; without such a
// column it returns the DataFrame unchanged, as Spark does.
func (df DataFrame) WithColumnRenamed(existing, name string) DataFrame {
	if df.Err() != nil {
		return df.broken()
	}
	cols := make([]Column, df.schema.NumFields())
	found := false
	for i, f := range df.schema.Fields() {
		cols[i] = df.keep(i)
		if f.Name == existing {
			cols[i] = cols[i].As(name)
			found = true
		}
	}
	if !found {
		return df
	}
	exprs, _ := exprsOf("WithColumnRenamed", cols)
	return df.derive(&plan.Node{Kind: plan.NodeProject, Exprs: exprs, Input: df.node}, "WithColumnRenamed")
}

// Drop removes the named columns; names that are not columns are
// ignored, as Spark does.
func (df DataFrame) Drop(names ...string) DataFrame {
	if df.Err() != nil {
		return df.broken()
	}
	drop := map[string]bool{}
	for _, n := range names {
		drop[strings.ToLower(n)] = true
	}
	var cols []Column
	for i, f := range df.schema.Fields() {
		if !drop[strings.ToLower(f.Name)] {
			cols = append(cols, df.keep(i))
		}
	}
	if len(cols) == df.schema.NumFields() {
		return df
	}
	if len(cols) == 0 {
		return DataFrame{s: df.s, err: fmt.Errorf("engine: Drop(%s) would remove every column", strings.Join(names, ", "))}
	}
	exprs, _ := exprsOf("Drop", cols)
	return df.derive(&plan.Node{Kind: plan.NodeProject, Exprs: exprs, Input: df.node}, "Drop")
}

// Explode adds column name holding each element of the list column c,
// one row per element; rows whose list is null or empty go away.
func (df DataFrame) Explode(c Column, name string) DataFrame { return df.explode(c, name, false) }

// ExplodeOuter is Explode keeping rows whose list is null or empty, with
// a null element.
func (df DataFrame) ExplodeOuter(c Column, name string) DataFrame { return df.explode(c, name, true) }

func (df DataFrame) explode(c Column, name string, outer bool) DataFrame {
	if df.Err() != nil {
		return df.broken()
	}
	where := "Explode"
	if outer {
		where = "ExplodeOuter"
	}
	exprs, err := exprsOf(where, []Column{c})
	if err != nil {
		return DataFrame{s: df.s, err: err}
	}
	if name == "" {
		return DataFrame{s: df.s, err: fmt.Errorf("engine: %s needs a name for the element column", where)}
	}
	return df.derive(&plan.Node{Kind: plan.NodeExplode, Exprs: exprs, Name: name, Outer: outer, Input: df.node}, where)
}

// WithWatermark declares column as the event time and lets the watermark
// trail the latest event time seen by delay. Rows pass unchanged; the
// streaming query tracks the watermark.
func (df DataFrame) WithWatermark(column string, delay time.Duration) DataFrame {
	if df.Err() != nil {
		return df.broken()
	}
	if delay < 0 {
		return DataFrame{s: df.s, err: fmt.Errorf("engine: WithWatermark: negative delay %s", delay)}
	}
	return df.derive(&plan.Node{Kind: plan.NodeWatermark, Name: column, Delay: plan.Duration(delay), Input: df.node}, "WithWatermark")
}

// Union appends other's rows, matching columns by position (Spark's
// union); types widen to a common type and names come from df.
func (df DataFrame) Union(other DataFrame) DataFrame {
	if df.Err() != nil {
		return df.broken()
	}
	if err := other.Err(); err != nil {
		return DataFrame{s: df.s, err: err}
	}
	if df.IsStreaming() != other.IsStreaming() {
		return DataFrame{s: df.s, err: fmt.Errorf("engine: Union of a streaming and a static DataFrame is not supported")}
	}
	sources, mapping := mergeSources(df.sources, other.sources)
	n := &plan.Node{Kind: plan.NodeUnion, Inputs: []*plan.Node{df.node, renumber(other.node, mapping)}}
	p, err := ops.Prepare(n, []*arrow.Schema{df.schema, other.schema}, "Union")
	if err != nil {
		return DataFrame{s: df.s, err: err}
	}
	return DataFrame{s: df.s, node: n, schema: p.Schema, sources: sources}
}

// mergeSources appends b's sources to a's, reusing a's index for a source
// that is the same (same kind, options and mode), so a self-union reads
// its source once and feeds both branches. mapping[i] is b's source i's
// new index.
func mergeSources(a, b []sourceRef) ([]sourceRef, []int) {
	out := append([]sourceRef(nil), a...)
	mapping := make([]int, len(b))
	for i, s := range b {
		mapping[i] = -1
		for j, t := range out {
			if sameSource(s.plan, t.plan) {
				mapping[i] = j
				break
			}
		}
		if mapping[i] < 0 {
			mapping[i] = len(out)
			out = append(out, s)
		}
	}
	return out, mapping
}

func sameSource(a, b plan.Source) bool {
	return a.Kind == b.Kind && a.Streaming == b.Streaming && bytes.Equal(a.Options, b.Options)
}

// renumber copies the node tree with source indexes mapped.
func renumber(n *plan.Node, mapping []int) *plan.Node {
	c := *n
	switch n.Kind {
	case plan.NodeSource:
		c.Source = mapping[n.Source]
	case plan.NodeUnion:
		c.Inputs = make([]*plan.Node, len(n.Inputs))
		for i, in := range n.Inputs {
			c.Inputs[i] = renumber(in, mapping)
		}
	default:
		if n.Input != nil {
			c.Input = renumber(n.Input, mapping)
		}
	}
	return &c
}
