package ops

import (
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/spate-io/spate/engine/internal/expr"
)

// filterOp keeps the rows where the condition is true; null is false, as
// in SQL.
type filterOp struct {
	cond expr.Expr
}

func (f *filterOp) apply(r *run, _ int, in batch, next push) error {
	r.bind(in)
	c, err := f.cond.Eval(r.ctx, in.rec)
	if err != nil {
		return err
	}
	defer c.Release()
	cond := c.(*array.Boolean)
	drops := r.ctx.TakeDrops()
	n := cond.Len()
	keep := make([]bool, n)
	kept, droppedN := 0, 0
	for i := 0; i < n; i++ {
		dropped := drops != nil && drops[i]
		if dropped {
			droppedN++
		}
		if cond.IsValid(i) && cond.Value(i) && !dropped {
			keep[i] = true
			kept++
		}
	}
	r.counters.DroppedMalformed += int64(droppedN)
	r.counters.Filtered += int64(n - kept - droppedN)
	if kept == 0 {
		return nil
	}
	out, err := keepRows(r, in, keep, kept)
	if err != nil {
		return err
	}
	defer out.rec.Release()
	return next(out)
}
