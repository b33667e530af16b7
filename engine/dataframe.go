package engine

import (
	"bytes"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/spate-io/spate/engine/internal/ops"
	"github.com/spate-io/spate/engine/plan"
)

// DataFrame is an immutable, analysed query: every method returns a new
// DataFrame and leaves its receiver as it was. The first analysis error
// (an unknown column, a type mismatch) is kept: Err returns it, and every
// later method is a no-op that carries it, so a chain of calls is checked
// once at its end.
type DataFrame struct {
	s       *Session
	node    *plan.Node
	schema  *arrow.Schema
	sources []sourceRef
	err     error
}

// sourceRef is one input of the query: the live connector and its plan
// description.
type sourceRef struct {
	src  Source
	plan plan.Source
}

// Err is the first error met building the DataFrame, or nil.
func (df DataFrame) Err() error {
	if df.err == nil && df.node == nil {
		return fmt.Errorf("engine: empty DataFrame; start from Session.ReadStream or Session.Read")
	}
	return df.err
}

// Schema is the schema of the DataFrame's rows (nil when Err is set).
func (df DataFrame) Schema() *arrow.Schema {
	if df.err != nil {
		return nil
	}
	return df.schema
}

// Columns lists the column names.
func (df DataFrame) Columns() []string {
	if df.schema == nil {
		return nil
	}
	names := make([]string, df.schema.NumFields())
	for i, f := range df.schema.Fields() {
		names[i] = f.Name
	}
	return names
}

// IsStreaming says whether the DataFrame reads a streaming source.
func (df DataFrame) IsStreaming() bool {
	for _, s := range df.sources {
		if s.plan.Streaming {
			return true
		}
	}
	return false
}

// Plan is the DataFrame as a query plan without a sink, e.g. to inspect
// it or run it elsewhere.
func (df DataFrame) Plan() (*plan.Query, error) {
	if err := df.Err(); err != nil {
		return nil, err
	}
	q := &plan.Query{Version: plan.Version, Name: df.s.name, Root: df.node}
	for _, s := range df.sources {
		q.Sources = append(q.Sources, s.plan)
	}
	return q, nil
}

// Explain is the DataFrame's plan as JSON.
func (df DataFrame) Explain() (string, error) {
	q, err := df.Plan()
	if err != nil {
		return "", err
	}
	b, err := plan.Marshal(q)
	if err != nil {
		return "", err
	}
	return string(bytes.TrimSpace(b)), nil
}

// broken is df with its error (an empty DataFrame gets one).
func (df DataFrame) broken() DataFrame { return DataFrame{s: df.s, err: df.Err()} }

// derive makes the DataFrame of node n over df, analysing n now.
func (df DataFrame) derive(n *plan.Node, where string) DataFrame {
	p, err := ops.Prepare(n, []*arrow.Schema{df.schema}, where)
	if err != nil {
		return DataFrame{s: df.s, err: err}
	}
	return DataFrame{s: df.s, node: n, schema: p.Schema, sources: df.sources}
}
