package ops

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"

	"github.com/spate-io/spate/engine/internal/expr"
)

// newRecord assembles a batch, checking what array.NewRecordBatch would
// panic on, and takes over the references to cols.
func newRecord(schema *arrow.Schema, cols []arrow.Array, n int) (arrow.RecordBatch, error) {
	defer releaseAll(cols)
	for i, c := range cols {
		f := schema.Field(i)
		if c.Len() != n || !arrow.TypeEqual(c.DataType(), f.Type) {
			return nil, fmt.Errorf("engine: column %s came out as %d rows of %s, want %d of %s (a bug: please report it with the plan)",
				f.Name, c.Len(), c.DataType(), n, f.Type)
		}
	}
	return array.NewRecordBatch(schema, cols, int64(n)), nil
}

func releaseAll(arrs []arrow.Array) {
	for _, a := range arrs {
		if a != nil {
			a.Release()
		}
	}
}

// project evaluates exprs over in into a batch of schema.
func project(r *run, exprs []expr.Expr, schema *arrow.Schema, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	cols := make([]arrow.Array, 0, len(exprs))
	for _, e := range exprs {
		c, err := e.Eval(r.ctx, in)
		if err != nil {
			releaseAll(cols)
			return nil, err
		}
		cols = append(cols, c)
	}
	return newRecord(schema, cols, int(in.NumRows()))
}

// keepRows filters b to the rows where keep is true, carrying row origins.
// It returns b itself (retained) when every row is kept.
func keepRows(r *run, b batch, keep []bool, kept int) (batch, error) {
	if kept == len(keep) {
		b.rec.Retain()
		return b, nil
	}
	o := array.NewBooleanBuilder(r.mem)
	defer o.Release()
	o.Reserve(len(keep))
	var rows []int32
	for i, k := range keep {
		o.UnsafeAppend(k)
		if k && r.trackRows {
			rows = append(rows, origin(b, i))
		}
	}
	mask := o.NewBooleanArray()
	defer mask.Release()
	rec, err := compute.FilterRecordBatch(r.ctx.Context, b.rec, mask, compute.DefaultFilterOptions())
	if err != nil {
		return batch{}, fmt.Errorf("engine: filter: %v", err)
	}
	return batch{rec: rec, rows: rows}, nil
}

// origin is the input row of row i of b.
func origin(b batch, i int) int32 {
	if b.rows == nil {
		return int32(i)
	}
	return b.rows[i]
}
