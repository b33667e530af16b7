package ops

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/spate-io/spate/engine/internal/expr"
)

// projectOp computes one column per expression. Rows that a from_json in
// DROPMALFORMED mode marked are dropped after.
type projectOp struct {
	exprs  []expr.Expr
	schema *arrow.Schema
}

func (p *projectOp) apply(r *run, _ int, in batch, next push) error {
	r.bind(in)
	rec, err := project(r, p.exprs, p.schema, in.rec)
	if err != nil {
		return err
	}
	defer rec.Release()
	out := batch{rec: rec, rows: in.rows}
	if drops := r.ctx.TakeDrops(); drops != nil {
		keep, kept := invert(drops)
		r.counters.DroppedMalformed += int64(len(keep) - kept)
		filtered, err := keepRows(r, out, keep, kept)
		if err != nil {
			return err
		}
		defer filtered.rec.Release()
		out = filtered
	}
	if out.rec.NumRows() == 0 {
		return nil
	}
	return next(out)
}

// invert turns drop marks into keep marks and counts the kept rows.
func invert(drops []bool) ([]bool, int) {
	keep := make([]bool, len(drops))
	kept := 0
	for i, d := range drops {
		keep[i] = !d
		if !d {
			kept++
		}
	}
	return keep, kept
}
