package ops

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/spate-io/spate/engine/internal/expr"
	"github.com/spate-io/spate/engine/internal/kernels"
)

// watermarkOp passes batches on and records the range of event times it
// saw, from which the streaming loop advances the watermark.
type watermarkOp struct {
	col expr.Expr
}

func (w *watermarkOp) apply(r *run, _ int, in batch, next push) error {
	r.bind(in)
	c, err := w.col.Eval(r.ctx, in.rec)
	if err != nil {
		return err
	}
	observeEventTimes(r.counters, c)
	c.Release()
	return next(in)
}

// observeEventTimes widens the counters' event-time range (microseconds)
// with the valid values of a timestamp column.
func observeEventTimes(cs *Counters, c arrow.Array) {
	unit := c.DataType().(*arrow.TimestampType).Unit.Multiplier()
	vals := arrow.GetValues[int64](c.Data(), 1)
	for i, v := range vals {
		if c.IsNull(i) {
			continue
		}
		us := kernels.ToMicros(v, unit)
		if !cs.HasEventTime || us < cs.EventTimeMin {
			cs.EventTimeMin = us
		}
		if !cs.HasEventTime || us > cs.EventTimeMax {
			cs.EventTimeMax = us
		}
		cs.HasEventTime = true
	}
}
