package ops

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/spate-io/spate/engine/internal/expr"
)

// unionOp passes each input's batches on, cast to the union's column types
// and named as its first input's columns.
type unionOp struct {
	conform [][]expr.Expr // per input, one expression per column
	schema  *arrow.Schema
}

func (u *unionOp) apply(r *run, child int, in batch, next push) error {
	r.bind(in)
	rec, err := project(r, u.conform[child], u.schema, in.rec)
	if err != nil {
		return err
	}
	defer rec.Release()
	return next(batch{rec: rec, rows: in.rows})
}
