package engine

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spate-io/spate/engine/batch"
	"github.com/spate-io/spate/engine/internal/ops"
	"github.com/spate-io/spate/engine/plan"
)

// ExecEnv is what a task gives Compile.
type ExecEnv struct {
	// Mem allocates every batch the pipeline makes. The default (nil) is
	// memory.DefaultAllocator.
	Mem memory.Allocator
	// BatchID is the micro-batch the task belongs to.
	BatchID int64
	// Timestamp is the batch's time in Unix milliseconds (batch.Plan's
	// Timestamp): what CurrentTimestamp returns, the same on a replay.
	Timestamp int64
	// Source is the index of the query source the task reads (batch.Task's
	// Source).
	Source int
	// Ranges are the task's offset ranges; errors about a record name them
	// when the records carry no topic/partition/offset columns.
	Ranges []batch.Range
}

// Pipeline is a compiled, stateless plan for one task: records of the
// task's source go in, records of the plan's output schema come out. It is
// not safe for concurrent use; compile one per task (compiling is cheap).
type Pipeline struct {
	p *ops.Pipeline
}

// Counters are a pipeline's totals since it was compiled.
type Counters struct {
	// RowsIn and RowsOut count rows given to Process and emitted.
	RowsIn, RowsOut int64
	// Malformed counts records FromJSON found malformed, in any mode;
	// DroppedMalformed those DROPMALFORMED dropped.
	Malformed, DroppedMalformed int64
	// Filtered counts rows removed by Filter/Where.
	Filtered int64
	// EventTimeMin and EventTimeMax bound the event times seen by
	// WithWatermark, in Unix microseconds, when HasEventTime.
	EventTimeMin, EventTimeMax int64
	HasEventTime               bool
}

// Compile analyses q and builds the pipeline that the records of source
// env.Source go through. Every analysis error (unknown column, unknown
// UDF, type mismatch) surfaces here, before any record is read.
func Compile(q *plan.Query, env ExecEnv) (*Pipeline, error) {
	p, err := ops.Compile(q, ops.Env{Mem: env.Mem, NowMicros: env.Timestamp * 1000, Source: env.Source, Ranges: env.Ranges})
	if err != nil {
		return nil, err
	}
	return &Pipeline{p: p}, nil
}

// Process runs one record batch through the pipeline. It borrows rec (the
// caller releases it) and lends each output batch to emit, releasing it
// when emit returns: emit must Retain what it keeps. Records must have the
// schema InputSchema; empty records emit nothing.
func (p *Pipeline) Process(ctx context.Context, rec arrow.RecordBatch, emit func(arrow.RecordBatch) error) error {
	return p.p.Process(ctx, rec, emit)
}

// InputSchema is the schema of the records Process takes: the source's.
func (p *Pipeline) InputSchema() *arrow.Schema { return p.p.Input() }

// OutputSchema is the schema of the records Process emits, the one a
// sink's NewTaskWriter gets.
func (p *Pipeline) OutputSchema() *arrow.Schema { return p.p.Output() }

// Counters returns the totals so far.
func (p *Pipeline) Counters() Counters {
	c := p.p.Counters()
	return Counters{
		RowsIn: c.RowsIn, RowsOut: c.RowsOut, Malformed: c.Malformed, DroppedMalformed: c.DroppedMalformed,
		Filtered: c.Filtered, EventTimeMin: c.EventTimeMin, EventTimeMax: c.EventTimeMax, HasEventTime: c.HasEventTime,
	}
}

// OutputSchema analyses q without compiling it for a task: the schema its
// sink receives.
func OutputSchema(q *plan.Query) (*arrow.Schema, error) {
	p, err := ops.Compile(q, ops.Env{Source: firstSource(q)})
	if err != nil {
		return nil, err
	}
	return p.Output(), nil
}

// firstSource is a source the plan reads, to compile against.
func firstSource(q *plan.Query) int {
	idx := 0
	_ = plan.WalkNodes(q.Root, func(n *plan.Node) error {
		if n.Kind == plan.NodeSource {
			idx = n.Source
		}
		return nil
	})
	return idx
}
