package ops

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	mb "github.com/spate-io/spate/engine/batch"
	"github.com/spate-io/spate/engine/plan"
)

// Env is what a compiled pipeline needs from the task running it.
type Env struct {
	// Mem allocates every batch the pipeline makes.
	Mem memory.Allocator
	// NowMicros is the batch's time, what current_timestamp returns.
	NowMicros int64
	// Source is the index of the query source whose records the task
	// feeds to Process.
	Source int
	// Ranges are the task's offset ranges, named in errors about a record
	// when the records carry no topic/partition/offset columns.
	Ranges []mb.Range
}

// Pipeline runs a plan over the batches of one task.
type Pipeline struct {
	env       Env
	input     *arrow.Schema
	output    *arrow.Schema
	entries   []step
	trackRows bool
	counters  Counters
}

// step is an operator with everything after it: it borrows b.
type step func(r *run, b batch) error

// compiled is a prepared node with its compiled inputs.
type compiled struct {
	node     *plan.Node
	prepared *Prepared
	inputs   []*compiled
}

// Compile analyses every node of q and chains the operators that the
// records of source env.Source flow through.
func Compile(q *plan.Query, env Env) (*Pipeline, error) {
	if env.Mem == nil {
		env.Mem = memory.DefaultAllocator
	}
	if err := plan.Validate(q); err != nil {
		return nil, err
	}
	if env.Source < 0 || env.Source >= len(q.Sources) {
		return nil, fmt.Errorf("engine: the task reads source %d but the plan has %d sources", env.Source, len(q.Sources))
	}
	root, err := compileNode(q, q.Root)
	if err != nil {
		return nil, err
	}
	p := &Pipeline{env: env, input: q.Sources[env.Source].Schema.Schema, output: root.prepared.Schema, trackRows: hasFailFast(q)}
	p.wire(root, func(r *run, b batch) error {
		r.counters.RowsOut += b.rec.NumRows()
		return r.emit(b.rec)
	})
	if len(p.entries) == 0 {
		return nil, fmt.Errorf("engine: the plan reads source %d nowhere", env.Source)
	}
	return p, nil
}

func compileNode(q *plan.Query, n *plan.Node) (*compiled, error) {
	c := &compiled{node: n}
	var schemas []*arrow.Schema
	if n.Kind == plan.NodeSource {
		if n.Source < 0 || n.Source >= len(q.Sources) {
			return nil, fmt.Errorf("engine: source node %d out of range", n.Source)
		}
		schemas = []*arrow.Schema{q.Sources[n.Source].Schema.Schema}
	}
	for _, in := range n.Children() {
		ci, err := compileNode(q, in)
		if err != nil {
			return nil, err
		}
		c.inputs = append(c.inputs, ci)
		schemas = append(schemas, ci.prepared.Schema)
	}
	var err error
	if c.prepared, err = Prepare(n, schemas, ""); err != nil {
		return nil, err
	}
	return c, nil
}

// wire connects c's operator to next and registers the source steps.
func (p *Pipeline) wire(c *compiled, next step) {
	op := c.prepared.op
	if c.node.Kind == plan.NodeSource {
		if c.node.Source == p.env.Source {
			p.entries = append(p.entries, func(r *run, b batch) error {
				return op.apply(r, 0, b, func(out batch) error { return next(r, out) })
			})
		}
		return
	}
	for k, in := range c.inputs {
		k := k
		p.wire(in, func(r *run, b batch) error {
			return op.apply(r, k, b, func(out batch) error { return next(r, out) })
		})
	}
}

// hasFailFast says whether some from_json may fail a batch and need the
// origin of its rows.
func hasFailFast(q *plan.Query) bool {
	found := false
	_ = plan.WalkExprs(q, func(e *plan.Expr) error {
		for k, v := range e.Options {
			if e.Op == plan.OpFromJSON && strings.EqualFold(k, "mode") && strings.EqualFold(v, "FAILFAST") {
				found = true
			}
		}
		return nil
	})
	return found
}

// Input is the schema Process expects.
func (p *Pipeline) Input() *arrow.Schema { return p.input }

// Output is the schema of the batches Process emits.
func (p *Pipeline) Output() *arrow.Schema { return p.output }

// Counters returns the totals so far.
func (p *Pipeline) Counters() Counters { return p.counters }

// Process runs rec through the pipeline. It borrows rec; emit borrows each
// output batch (it must Retain what it keeps). Empty batches emit nothing.
func (p *Pipeline) Process(ctx context.Context, rec arrow.RecordBatch, emit func(arrow.RecordBatch) error) error {
	if err := p.checkInput(rec.Schema()); err != nil {
		return err
	}
	if rec.NumRows() == 0 {
		return nil
	}
	r := newRun(ctx, p.env.Mem, p.env.NowMicros, p.trackRows, &p.counters)
	r.emit = emit
	r.locate = p.locator(rec)
	p.counters.RowsIn += rec.NumRows()
	defer func() { p.counters.Malformed += r.ctx.Malformed() }()
	for _, entry := range p.entries {
		if err := entry(r, batch{rec: rec}); err != nil {
			return err
		}
	}
	return nil
}

func (p *Pipeline) checkInput(got *arrow.Schema) error {
	want := p.input
	ok := got.NumFields() == want.NumFields()
	for i := 0; ok && i < got.NumFields(); i++ {
		ok = got.Field(i).Name == want.Field(i).Name && arrow.TypeEqual(got.Field(i).Type, want.Field(i).Type)
	}
	if !ok {
		return fmt.Errorf("engine: the records of source %d do not have the schema the plan was built with:\n got: %s\nwant: %s", p.env.Source, got, want)
	}
	return nil
}

// locator names where input row i came from: topic, partition and offset
// when the records carry them (the Kafka schema), else the task's ranges.
func (p *Pipeline) locator(rec arrow.RecordBatch) func(int) string {
	topic, _ := column[*array.String](rec, "topic")
	part, _ := column[*array.Int32](rec, "partition")
	off, ok := column[*array.Int64](rec, "offset")
	if topic != nil && part != nil && ok {
		return func(i int) string {
			if i < 0 || i >= off.Len() {
				return ""
			}
			return fmt.Sprintf("%s-%d offset %d", topic.Value(i), part.Value(i), off.Value(i))
		}
	}
	ranges := make([]string, len(p.env.Ranges))
	for i, r := range p.env.Ranges {
		ranges[i] = r.String()
	}
	return func(i int) string {
		if len(ranges) == 0 {
			return fmt.Sprintf("row %d of the batch", i)
		}
		return fmt.Sprintf("row %d of the batch read from %s", i, strings.Join(ranges, ", "))
	}
}

func column[T arrow.Array](rec arrow.RecordBatch, name string) (T, bool) {
	var zero T
	idx := rec.Schema().FieldIndices(name)
	if len(idx) != 1 {
		return zero, false
	}
	c, ok := rec.Column(idx[0]).(T)
	return c, ok
}
