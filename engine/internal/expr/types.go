package expr

import "github.com/apache/arrow-go/v18/arrow"

// Type categories and the implicit widening Spark applies before an
// operator (TypeCoercion's findTightestCommonType and findWiderTypeForTwo).

func isIntegral(dt arrow.DataType) bool {
	switch dt.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		return true
	}
	return false
}

func isFloating(dt arrow.DataType) bool {
	return dt.ID() == arrow.FLOAT32 || dt.ID() == arrow.FLOAT64
}

func isNumeric(dt arrow.DataType) bool { return isIntegral(dt) || isFloating(dt) }

func isString(dt arrow.DataType) bool {
	return dt.ID() == arrow.STRING || dt.ID() == arrow.LARGE_STRING
}

func isBinary(dt arrow.DataType) bool {
	return dt.ID() == arrow.BINARY || dt.ID() == arrow.LARGE_BINARY
}

func isStringOrBinary(dt arrow.DataType) bool { return isString(dt) || isBinary(dt) }

func isTimestamp(dt arrow.DataType) bool { return dt.ID() == arrow.TIMESTAMP }

func isDate(dt arrow.DataType) bool { return dt.ID() == arrow.DATE32 || dt.ID() == arrow.DATE64 }

func isNull(dt arrow.DataType) bool { return dt.ID() == arrow.NULL }

func isBool(dt arrow.DataType) bool { return dt.ID() == arrow.BOOL }

// numericRank orders the numeric types from narrowest to widest; unsigned
// types rank just above the signed type that holds them.
var numericRank = map[arrow.Type]int{
	arrow.INT8: 1, arrow.UINT8: 2, arrow.INT16: 3, arrow.UINT16: 4,
	arrow.INT32: 5, arrow.UINT32: 6, arrow.INT64: 7, arrow.UINT64: 8,
	arrow.FLOAT32: 9, arrow.FLOAT64: 10,
}

// widerNumeric is the type both numeric types widen to: the wider in
// Spark's order byte < short < int < long < float < double, except that
// mixing signed and unsigned picks a signed type that holds both, and
// uint64 with a signed type becomes float64.
func widerNumeric(a, b arrow.DataType) arrow.DataType {
	if arrow.TypeEqual(a, b) {
		return a
	}
	ra, rb := numericRank[a.ID()], numericRank[b.ID()]
	if ra < rb {
		a, b = b, a
	}
	if isFloating(a) || isFloating(b) {
		// Spark's numeric precedence puts float above long.
		return a
	}
	if arrow.IsUnsignedInteger(a.ID()) && arrow.IsSignedInteger(b.ID()) {
		switch a.ID() {
		case arrow.UINT8:
			return arrow.PrimitiveTypes.Int16
		case arrow.UINT16:
			return arrow.PrimitiveTypes.Int32
		case arrow.UINT32:
			return arrow.PrimitiveTypes.Int64
		}
		return arrow.PrimitiveTypes.Float64
	}
	return a
}

// commonType is the type two operands are cast to before a comparison, a
// coalesce, a case or a union; ok is false when there is none.
func commonType(a, b arrow.DataType) (arrow.DataType, bool) {
	switch {
	case arrow.TypeEqual(a, b):
		return a, true
	case isNull(a):
		return b, true
	case isNull(b):
		return a, true
	case isNumeric(a) && isNumeric(b):
		return widerNumeric(a, b), true
	case isString(a) && isString(b), isBinary(a) && isBinary(b):
		if a.ID() == arrow.LARGE_STRING || a.ID() == arrow.LARGE_BINARY {
			return a, true
		}
		return b, true
	case isTimestamp(a) && isTimestamp(b):
		return finerTimestamp(a.(*arrow.TimestampType), b.(*arrow.TimestampType)), true
	case isTimestamp(a) && isDate(b):
		return a, true
	case isDate(a) && isTimestamp(b):
		return b, true
	case isDate(a) && isDate(b):
		return arrow.FixedWidthTypes.Date32, true
	case arrow.TypeEqual(a, b, arrow.CheckMetadata()) || sameShape(a, b):
		return a, true
	}
	return nil, false
}

// sameShape says two nested types differ only in nullability or names of
// list elements, which casts between them do not care about.
func sameShape(a, b arrow.DataType) bool {
	if a.ID() != b.ID() {
		return false
	}
	switch at := a.(type) {
	case *arrow.ListType:
		return sameShape(at.Elem(), b.(*arrow.ListType).Elem())
	case *arrow.StructType:
		bt := b.(*arrow.StructType)
		if at.NumFields() != bt.NumFields() {
			return false
		}
		for i := range at.Fields() {
			if at.Field(i).Name != bt.Field(i).Name || !sameShape(at.Field(i).Type, bt.Field(i).Type) {
				return false
			}
		}
		return true
	}
	return arrow.TypeEqual(a, b)
}

var unitRank = map[arrow.TimeUnit]int{arrow.Second: 0, arrow.Millisecond: 1, arrow.Microsecond: 2, arrow.Nanosecond: 3}

func finerTimestamp(a, b *arrow.TimestampType) arrow.DataType {
	unit := a.Unit
	if unitRank[b.Unit] > unitRank[unit] {
		unit = b.Unit
	}
	tz := a.TimeZone
	if tz == "" {
		tz = b.TimeZone
	}
	return &arrow.TimestampType{Unit: unit, TimeZone: tz}
}

// TimestampUS is the type every time function returns: Spark's timestamp,
// microseconds in UTC.
var TimestampUS = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}

// coerce casts e to dt when it is not already of that type.
func coerce(e Expr, dt arrow.DataType) Expr {
	if arrow.TypeEqual(e.Type(), dt) {
		return e
	}
	if l, ok := e.(*Literal); ok && l.IsNull() {
		nl, _ := makeLiteral(dt, nil)
		return nl
	}
	// commonType only picks types the operands cast to; a nil kernel would
	// be a bug, reported by Eval rather than a panic.
	k, _ := castKernelFor(e.Type(), dt)
	return &castExpr{in: e, to: dt, implicit: true, k: k}
}

// unify casts all of es to their common type, or returns the two types
// that have none.
func unify(es []Expr) ([]Expr, arrow.DataType, error) {
	dt := es[0].Type()
	for _, e := range es[1:] {
		ct, ok := commonType(dt, e.Type())
		if !ok {
			return nil, nil, &typePair{dt, e.Type()}
		}
		dt = ct
	}
	out := make([]Expr, len(es))
	for i, e := range es {
		out[i] = coerce(e, dt)
	}
	return out, dt, nil
}

type typePair struct{ a, b arrow.DataType }

func (p *typePair) Error() string {
	return typeName(p.a) + " and " + typeName(p.b) + " have no common type"
}
