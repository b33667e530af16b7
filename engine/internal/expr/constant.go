package expr

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// planMem allocates what resolution computes once and keeps for the life
// of the expression (IN value sets). It is Go memory, freed by the garbage
// collector with the expression, so batch accounting never sees it.
var planMem = memory.DefaultAllocator

// constantArray evaluates constant expressions (literals, casts of
// literals) of one type into an array, one row each.
func constantArray(es []Expr) (arrow.Array, error) {
	c := NewCtx(context.Background(), planMem, 0)
	one := array.NewRecordBatch(arrow.NewSchema(nil, nil), nil, 1)
	defer one.Release()
	parts, err := evalAll(c, es, one)
	if err != nil {
		return nil, err
	}
	defer releaseAll(parts)
	return array.Concatenate(parts, planMem)
}
