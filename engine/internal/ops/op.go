package ops

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spate-io/spate/engine/internal/expr"
)

// batch is a record batch in flight with where its rows came from: rows[i]
// is the index, in the pipeline's input batch, of row i (nil: row i is
// input row i). Only kept when a FAILFAST error may need to name a row.
type batch struct {
	rec  arrow.RecordBatch
	rows []int32
}

// push hands a batch to the next operator. The callee borrows b.rec.
type push func(b batch) error

// operator transforms batches. apply borrows in (from input number child,
// 0 but for a union) and pushes what it makes to next, releasing it after.
type operator interface {
	apply(r *run, child int, in batch, next push) error
}

// run is the per-batch state shared by the operators of a pipeline.
type run struct {
	ctx       *expr.Ctx
	mem       memory.Allocator
	trackRows bool
	counters  *Counters
	emit      func(arrow.RecordBatch) error
	// locate names input row i of the pipeline's batch.
	locate func(int) string
}

// bind points error locations at the rows of b: row i of b is input row
// origin(b, i). Operators call it before evaluating expressions over b.
func (r *run) bind(b batch) {
	if r.locate == nil {
		return
	}
	if b.rows == nil {
		r.ctx.Locate = r.locate
		return
	}
	rows := b.rows
	r.ctx.Locate = func(i int) string {
		if i < 0 || i >= len(rows) {
			return ""
		}
		return r.locate(int(rows[i]))
	}
}

func newRun(ctx context.Context, mem memory.Allocator, nowMicros int64, track bool, c *Counters) *run {
	return &run{ctx: expr.NewCtx(ctx, mem, nowMicros), mem: mem, trackRows: track, counters: c}
}

// Counters are a pipeline's running totals.
type Counters struct {
	// RowsIn counts rows given to Process.
	RowsIn int64
	// RowsOut counts rows emitted.
	RowsOut int64
	// Malformed counts malformed records seen by from_json in any mode.
	Malformed int64
	// DroppedMalformed counts rows dropped by from_json's DROPMALFORMED.
	DroppedMalformed int64
	// Filtered counts rows removed by filters.
	Filtered int64
	// EventTimeMin and EventTimeMax bound the event times (microseconds
	// since the epoch) seen by watermark nodes, when HasEventTime.
	EventTimeMin, EventTimeMax int64
	HasEventTime               bool
}

// Add accumulates o into c.
func (c *Counters) Add(o Counters) {
	c.RowsIn += o.RowsIn
	c.RowsOut += o.RowsOut
	c.Malformed += o.Malformed
	c.DroppedMalformed += o.DroppedMalformed
	c.Filtered += o.Filtered
	if o.HasEventTime {
		if !c.HasEventTime || o.EventTimeMin < c.EventTimeMin {
			c.EventTimeMin = o.EventTimeMin
		}
		if !c.HasEventTime || o.EventTimeMax > c.EventTimeMax {
			c.EventTimeMax = o.EventTimeMax
		}
		c.HasEventTime = true
	}
}
