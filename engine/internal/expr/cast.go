package expr

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"

	"github.com/spate-io/spate/engine/plan"
)

// castExpr converts values to another type with Spark's non-ANSI cast
// semantics: a value that does not convert becomes null.
type castExpr struct {
	in       Expr
	to       arrow.DataType
	implicit bool // inserted by type coercion; hidden from the name
	k        castKernel
}

// castKernel converts one array; it must not release in.
type castKernel func(c *Ctx, in arrow.Array, to arrow.DataType) (arrow.Array, error)

func init() {
	register(func(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
		return newCast(r, args[0], e.Type.DataType, false)
	}, plan.OpCast)
}

func newCast(r *Resolver, in Expr, to arrow.DataType, implicit bool) (Expr, error) {
	k, err := castKernelFor(in.Type(), to)
	if err != nil {
		return nil, analysisf("cannot cast %s from %s to %s in %s", in.Name(), typeName(in.Type()), typeName(to), r.Where)
	}
	return &castExpr{in: in, to: to, implicit: implicit, k: k}, nil
}

func (c *castExpr) Type() arrow.DataType { return c.to }

func (c *castExpr) Name() string {
	if c.implicit {
		return c.in.Name()
	}
	return "CAST(" + c.in.Name() + " AS " + typeName(c.to) + ")"
}

func (c *castExpr) Eval(ctx *Ctx, rec arrow.RecordBatch) (arrow.Array, error) {
	if c.k == nil {
		return nil, errorf("no cast from %s to %s for %s", typeName(c.in.Type()), typeName(c.to), c.in.Name())
	}
	in, err := c.in.Eval(ctx, rec)
	if err != nil {
		return nil, err
	}
	defer in.Release()
	return c.k(ctx, in, c.to)
}

// castKernelFor picks the kernel for a cast, or fails for a pair Spark
// does not cast either.
func castKernelFor(from, to arrow.DataType) (castKernel, error) {
	switch {
	case arrow.TypeEqual(from, to):
		return castIdentity, nil
	case isNull(from):
		return castNull, nil
	case isString(to):
		return toStringKernel(from)
	case isBinary(to):
		if isStringOrBinary(from) {
			return castStringLike, nil
		}
	case isIntegral(to):
		return toIntegralKernel(from)
	case isFloating(to):
		return toFloatingKernel(from)
	case isBool(to):
		switch {
		case isNumeric(from):
			return castCompute, nil
		case isString(from):
			return castStringToBool, nil
		}
	case isTimestamp(to):
		return toTimestampKernel(from)
	case to.ID() == arrow.DATE32:
		return toDateKernel(from)
	case sameShape(from, to):
		return castRetype, nil
	}
	return nil, errorf("no cast from %s to %s", typeName(from), typeName(to))
}

func toIntegralKernel(from arrow.DataType) (castKernel, error) {
	switch {
	case isIntegral(from), isBool(from):
		return castCompute, nil
	case isFloating(from):
		return castFloatToInt, nil
	case isString(from):
		return castStringToInt, nil
	case isTimestamp(from):
		return castTimestampToInt, nil
	}
	return nil, errorf("no cast from %s to an integer", typeName(from))
}

func toFloatingKernel(from arrow.DataType) (castKernel, error) {
	switch {
	case isNumeric(from), isBool(from):
		return castCompute, nil
	case isString(from):
		return castStringToFloat, nil
	case isTimestamp(from):
		return castTimestampToFloat, nil
	}
	return nil, errorf("no cast from %s to a float", typeName(from))
}

func toTimestampKernel(from arrow.DataType) (castKernel, error) {
	switch {
	case isTimestamp(from), isDate(from):
		return castToTimestamp, nil
	case isString(from):
		return castStringToTimestamp, nil
	case isIntegral(from):
		return castSecondsToTimestamp, nil
	case isFloating(from):
		return castFloatSecondsToTimestamp, nil
	}
	return nil, errorf("no cast from %s to a timestamp", typeName(from))
}

func toDateKernel(from arrow.DataType) (castKernel, error) {
	switch {
	case isTimestamp(from), isDate(from):
		return castToDate, nil
	case isString(from):
		return castStringToDate, nil
	}
	return nil, errorf("no cast from %s to a date", typeName(from))
}

func castIdentity(_ *Ctx, in arrow.Array, _ arrow.DataType) (arrow.Array, error) {
	in.Retain()
	return in, nil
}

func castNull(c *Ctx, in arrow.Array, to arrow.DataType) (arrow.Array, error) {
	return array.MakeArrayOfNull(c.Mem, to, in.Len()), nil
}

// castCompute uses arrow/compute's cast between numeric and boolean
// types, unchecked: integers wrap and floats truncate toward zero, as
// Spark's non-ANSI casts do.
func castCompute(c *Ctx, in arrow.Array, to arrow.DataType) (arrow.Array, error) {
	out, err := compute.CastArray(c.Context, in, compute.UnsafeCastOptions(to))
	if err != nil {
		return nil, errorf("cast from %s to %s: %v", typeName(in.DataType()), typeName(to), err)
	}
	return out, nil
}

// castRetype gives the same data a type of the same shape (different
// nullability or names of nested fields), without copying.
func castRetype(_ *Ctx, in arrow.Array, to arrow.DataType) (arrow.Array, error) {
	d := retype(in.Data(), to)
	defer d.Release()
	return array.MakeFromData(d), nil
}

func retype(d arrow.ArrayData, to arrow.DataType) arrow.ArrayData {
	children := d.Children()
	var newChildren []arrow.ArrayData
	switch t := to.(type) {
	case *arrow.StructType:
		for i, ch := range children {
			newChildren = append(newChildren, retype(ch, t.Field(i).Type))
		}
	case *arrow.ListType:
		newChildren = []arrow.ArrayData{retype(children[0], t.Elem())}
	case *arrow.MapType:
		newChildren = []arrow.ArrayData{retype(children[0], t.Elem())}
	default:
		for _, ch := range children {
			ch.Retain()
			newChildren = append(newChildren, ch)
		}
	}
	out := array.NewData(to, d.Len(), d.Buffers(), newChildren, d.NullN(), d.Offset())
	for _, ch := range newChildren {
		ch.Release()
	}
	return out
}
