package expr

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"

	"github.com/spate-io/spate/engine/plan"
)

// Collection functions over list and map columns. compute's list_element
// takes one index for every row and fails out of range; Spark's
// element_at counts from 1, from the end when negative, and gives null out
// of range, so the indices are computed here and compute's take does the
// copying.

func init() {
	register(resolveSize, "size")
	register(resolveElementAt, "element_at")
}

// resolveSize: the number of elements; -1 for null, as Spark's size with
// its non-ANSI default (spark.sql.legacy.sizeOfNull=true).
func resolveSize(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	if _, ok := args[0].Type().(arrow.ListLikeType); !ok {
		return nil, analysisf("size needs a list or map in %s, got %s", r.Where, describe(args[0]))
	}
	return &fnExpr{name: "size", args: args, dt: arrow.PrimitiveTypes.Int32, k: func(c *Ctx, n int, in []arrow.Array) (arrow.Array, error) {
		l := in[0].(array.ListLike)
		o := newFixedOut[int32](c.Mem, n, 4)
		for i := range o.vals {
			if l.IsNull(i) {
				o.vals[i] = -1
				continue
			}
			start, end := l.ValueOffsets(i)
			o.vals[i] = int32(end - start)
		}
		return o.array(arrow.PrimitiveTypes.Int32), nil
	}}, nil
}

func resolveElementAt(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	switch t := args[0].Type().(type) {
	case *arrow.MapType:
		key := args[1]
		ct, ok := commonType(t.KeyType(), key.Type())
		if !ok || !arrow.TypeEqual(ct, t.KeyType()) || !(isString(ct) || isIntegral(ct)) {
			return nil, analysisf("element_at in %s: map keys are %s, the key %s does not match (string and integer keys are supported)", r.Where, typeName(t.KeyType()), describe(key))
		}
		return &fnExpr{name: "element_at", args: []Expr{args[0], coerce(key, t.KeyType())}, dt: t.ItemType(), k: mapLookupKernel}, nil
	case *arrow.ListType:
		idx := args[1]
		if !isIntegral(idx.Type()) {
			return nil, analysisf("element_at in %s: the index must be an integer, got %s", r.Where, describe(idx))
		}
		if l, ok := idx.(*Literal); ok && !l.IsNull() && toInt64(l.value) == 0 {
			return nil, analysisf("element_at in %s: SQL array indices start at 1", r.Where)
		}
		return &fnExpr{name: "element_at", args: []Expr{args[0], coerce(idx, arrow.PrimitiveTypes.Int64)}, dt: t.Elem(), k: listElementKernel}, nil
	}
	return nil, analysisf("element_at needs a list or map in %s, got %s", r.Where, describe(args[0]))
}

// listElementKernel takes element idx (1-based, negative from the end) of
// each list, null out of range.
func listElementKernel(c *Ctx, n int, in []arrow.Array) (arrow.Array, error) {
	l := in[0].(*array.List)
	idx := valuesOf[int64](in[1])
	o := newFixedOut[int64](c.Mem, n, 8)
	for i := range o.vals {
		if l.IsNull(i) || in[1].IsNull(i) {
			o.null(i)
			continue
		}
		start, end := l.ValueOffsets(i)
		k := idx[i]
		var at int64
		switch {
		case k > 0 && k <= end-start:
			at = start + k - 1
		case k < 0 && -k <= end-start:
			at = end + k
		default:
			o.null(i)
			continue
		}
		o.vals[i] = at
	}
	take := o.array(arrow.PrimitiveTypes.Int64)
	defer take.Release()
	return compute.TakeArray(c.Context, l.ListValues(), take)
}

// mapLookupKernel takes the value of the first entry whose key equals the
// row's key.
func mapLookupKernel(c *Ctx, n int, in []arrow.Array) (arrow.Array, error) {
	m := in[0].(*array.Map)
	keys, want := m.Keys(), in[1]
	var eq func(j, i int) bool
	if isString(keys.DataType()) {
		eq = func(j, i int) bool { return strAt(keys, j) == strAt(want, i) }
	} else {
		kr, wr := intReader(keys), intReader(want)
		eq = func(j, i int) bool { return kr(j) == wr(i) }
	}
	o := newFixedOut[int64](c.Mem, n, 8)
	for i := range o.vals {
		found := int64(-1)
		if m.IsValid(i) && want.IsValid(i) {
			start, end := m.ValueOffsets(i)
			for j := start; j < end; j++ {
				if eq(int(j), i) {
					found = j
					break
				}
			}
		}
		if found < 0 {
			o.null(i)
			continue
		}
		o.vals[i] = found
	}
	take := o.array(arrow.PrimitiveTypes.Int64)
	defer take.Release()
	return compute.TakeArray(c.Context, m.Items(), take)
}
