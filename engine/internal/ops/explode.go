package ops

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"

	"github.com/spate-io/spate/engine/internal/expr"
)

// explodeOp makes one row per list element, the element in column at.
// A null or empty list gives no row, or one row with a null element when
// outer (Spark's explode and explode_outer).
type explodeOp struct {
	list   expr.Expr
	at     int
	outer  bool
	schema *arrow.Schema
}

func (x *explodeOp) apply(r *run, _ int, in batch, next push) error {
	r.bind(in)
	la, err := x.list.Eval(r.ctx, in.rec)
	if err != nil {
		return err
	}
	defer la.Release()
	list := la.(*array.List)
	parents, elems, rows := x.indices(r, in, list, r.ctx.TakeDrops())
	if parents.Len() == 0 {
		parents.Release()
		elems.Release()
		return nil
	}
	defer parents.Release()
	defer elems.Release()
	cols := make([]arrow.Array, 0, x.schema.NumFields())
	for i := range x.schema.Fields() {
		var c arrow.Array
		if i == x.at {
			c, err = compute.TakeArray(r.ctx.Context, list.ListValues(), elems)
		} else {
			// The element column replaces or follows the input's, so
			// every other column keeps its position.
			c, err = compute.TakeArray(r.ctx.Context, in.rec.Column(i), parents)
		}
		if err != nil {
			releaseAll(cols)
			return fmt.Errorf("engine: explode: %v", err)
		}
		cols = append(cols, c)
	}
	rec, err := newRecord(x.schema, cols, parents.Len())
	if err != nil {
		return err
	}
	defer rec.Release()
	return next(batch{rec: rec, rows: rows})
}

// indices lists, per output row, its input row (parents) and its element
// in the list values (elems, null for an outer row).
func (x *explodeOp) indices(r *run, in batch, list *array.List, drops []bool) (parents, elems arrow.Array, rows []int32) {
	pb := array.NewInt64Builder(r.mem)
	eb := array.NewInt64Builder(r.mem)
	defer pb.Release()
	defer eb.Release()
	for i := 0; i < list.Len(); i++ {
		if drops != nil && drops[i] {
			r.counters.DroppedMalformed++
			continue
		}
		start, end := list.ValueOffsets(i)
		if list.IsNull(i) || start == end {
			if x.outer {
				pb.Append(int64(i))
				eb.AppendNull()
				rows = x.track(r, rows, in, i)
			}
			continue
		}
		for j := start; j < end; j++ {
			pb.Append(int64(i))
			eb.Append(j)
			rows = x.track(r, rows, in, i)
		}
	}
	return pb.NewArray(), eb.NewArray(), rows
}

func (x *explodeOp) track(r *run, rows []int32, in batch, i int) []int32 {
	if !r.trackRows {
		return nil
	}
	return append(rows, origin(in, i))
}
