package expr

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Column reads a top-level column, or a field nested in struct columns.
type Column struct {
	index int   // top-level column
	path  []int // struct field indexes below it
	name  string
	dt    arrow.DataType
	// nullable is true when the column or any struct above the field is.
	nullable bool
}

// Index is the top-level column the reference reads.
func (c *Column) Index() int { return c.index }

// IsTopLevel says the reference is a whole top-level column.
func (c *Column) IsTopLevel() bool { return len(c.path) == 0 }

// Type implements Expr.
func (c *Column) Type() arrow.DataType { return c.dt }

// Name is the column's (or nested field's) own name, as Spark names col("a.b") "b".
func (c *Column) Name() string { return c.name }

// Eval implements Expr. A nested field is null wherever a struct above it
// is null, as in Spark, although Arrow keeps the child's own validity.
func (c *Column) Eval(ctx *Ctx, rec arrow.RecordBatch) (arrow.Array, error) {
	arr := rec.Column(c.index)
	arr.Retain()
	for _, f := range c.path {
		st := arr.(*array.Struct)
		child := st.Field(f)
		next := child
		if st.NullN() > 0 {
			next = withParentNulls(ctx.Mem, st, child)
		} else {
			child.Retain()
		}
		arr.Release()
		arr = next
	}
	return arr, nil
}

// withParentNulls returns child with its validity ANDed with its parent's.
func withParentNulls(mem memory.Allocator, parent, child arrow.Array) arrow.Array {
	cd := child.Data()
	n := cd.Len()
	off := cd.Offset()
	bits := memory.NewResizableBuffer(mem)
	bits.Resize(int(bitutil.BytesForBits(int64(off + n))))
	pd := parent.Data()
	pbits := pd.Buffers()[0].Bytes()
	if cbuf := cd.Buffers()[0]; cbuf != nil && cbuf.Len() > 0 {
		bitutil.BitmapAnd(pbits, cbuf.Bytes(), int64(pd.Offset()), int64(off), bits.Bytes(), int64(off), int64(n))
	} else {
		bitutil.CopyBitmap(pbits, pd.Offset(), n, bits.Bytes(), off)
	}
	bufs := append([]*memory.Buffer{bits}, cd.Buffers()[1:]...)
	nulls := n - bitutil.CountSetBits(bits.Bytes(), off, n)
	data := array.NewData(cd.DataType(), n, bufs, cd.Children(), nulls, off)
	bits.Release()
	defer data.Release()
	return array.MakeFromData(data)
}

// resolveColumn finds path in schema. Names match exactly, or failing that
// case-insensitively when only one name matches (Spark's default
// spark.sql.caseSensitive=false).
func (r *Resolver) resolveColumn(raw string, p ColumnPath) (*Column, error) {
	names := fieldNames(r.Schema.Fields())
	idx, err := r.pick(p.Parts[0], names, "column", "", "columns")
	if err != nil {
		return nil, err
	}
	col := &Column{index: idx, name: names[idx], dt: r.Schema.Field(idx).Type, nullable: r.Schema.Field(idx).Nullable}
	for _, part := range p.Parts[1:] {
		st, ok := col.dt.(*arrow.StructType)
		if !ok {
			return nil, analysisf("cannot read field %q of column %q in %s: it is %s, not a struct", part, col.name, r.Where, typeName(col.dt))
		}
		fnames := fieldNames(st.Fields())
		f, err := r.pick(part, fnames, "field", ` of struct column "`+col.name+`"`, "fields")
		if err != nil {
			return nil, err
		}
		col.path = append(col.path, f)
		col.name = fnames[f]
		col.dt = st.Field(f).Type
		col.nullable = col.nullable || st.Field(f).Nullable
	}
	return col, nil
}

// pick finds name among names: exact first, then case-insensitive.
// Errors read `unknown <what> "<name>"<container> in <where> (...)`.
func (r *Resolver) pick(name string, names []string, what, container, plural string) (int, error) {
	found := -1
	for pass := 0; pass < 2 && found < 0; pass++ {
		n := 0
		for i, cand := range names {
			if cand == name || (pass == 1 && strings.EqualFold(cand, name)) {
				if n == 0 {
					found = i
				}
				n++
			}
		}
		if n > 1 {
			return -1, analysisf("ambiguous %s %q%s in %s: %d %s match it (%s: %s); rename or drop all but one",
				what, name, container, r.Where, n, plural, plural, strings.Join(names, ", "))
		}
	}
	if found < 0 {
		return -1, analysisf("unknown %s %q%s in %s%s", what, name, container, r.Where, didYouMean(name, plural, names))
	}
	return found, nil
}

// expandStar resolves "*" or "a.*" to one column per field.
func (r *Resolver) expandStar(raw string, p ColumnPath) ([]Expr, error) {
	if len(p.Parts) == 0 {
		out := make([]Expr, r.Schema.NumFields())
		for i, f := range r.Schema.Fields() {
			out[i] = &Column{index: i, name: f.Name, dt: f.Type, nullable: f.Nullable}
		}
		return out, nil
	}
	parent, err := r.resolveColumn(raw, p)
	if err != nil {
		return nil, err
	}
	st, ok := parent.dt.(*arrow.StructType)
	if !ok {
		return nil, analysisf("cannot expand %q in %s: %s is %s, not a struct", raw, r.Where, parent.name, typeName(parent.dt))
	}
	out := make([]Expr, st.NumFields())
	for i, f := range st.Fields() {
		out[i] = &Column{index: parent.index, path: append(append([]int(nil), parent.path...), i), name: f.Name, dt: f.Type, nullable: parent.nullable || f.Nullable}
	}
	return out, nil
}

func fieldNames(fs []arrow.Field) []string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.Name
	}
	return names
}
