package jsonkernel

import (
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spate-io/spate/engine/internal/kernels"
)

// WriteOptions mirror the options of Spark's to_json. The zero value is
// Spark's defaults.
type WriteOptions struct {
	// TimeZone renders timestamps that have a time zone, as Spark's session
	// time zone. The default nil means UTC.
	TimeZone *time.Location
	// TimestampFormat is a Spark datetime pattern. The default "" is Spark's
	// yyyy-MM-dd'T'HH:mm:ss.SSSXXX (2026-11-25T10:11:12.123Z), and
	// yyyy-MM-dd'T'HH:mm:ss.SSS for timestamps without a time zone.
	TimestampFormat string
	// DateFormat is a Spark datetime pattern. The default "" is yyyy-MM-dd.
	DateFormat string
	// IncludeNullFields writes null struct fields as "f":null. The default
	// false omits them, as Spark's spark.sql.jsonGenerator.ignoreNullFields.
	IncludeNullFields bool
}

// writer renders Arrow values as JSON text.
type writer struct {
	opts       WriteOptions
	tsLayout   string
	ntzLayout  string
	dateLayout string
}

func newWriter(opts WriteOptions) (*writer, error) {
	if opts.TimeZone == nil {
		opts.TimeZone = time.UTC
	}
	w := &writer{opts: opts,
		tsLayout:   "2006-01-02T15:04:05.000Z07:00",
		ntzLayout:  "2006-01-02T15:04:05.000",
		dateLayout: "2006-01-02",
	}
	var err error
	if opts.TimestampFormat != "" {
		if w.tsLayout, err = goLayout(opts.TimestampFormat); err != nil {
			return nil, err
		}
		w.ntzLayout = w.tsLayout
	}
	if opts.DateFormat != "" {
		if w.dateLayout, err = goLayout(opts.DateFormat); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// ToJSON is Spark's to_json: each row of a struct, map or list column as
// JSON text; a null row gives null. Null struct fields are omitted unless
// IncludeNullFields; null list elements and map values are written as null.
// Floats are written like Java's Double.toString (1.0, 1.0E10) with NaN and
// Infinity quoted, as Jackson writes them; binary as base64; decimals in
// plain notation.
func ToJSON(mem memory.Allocator, values arrow.Array, opts WriteOptions) (*array.String, error) {
	switch values.DataType().ID() {
	case arrow.STRUCT, arrow.MAP, arrow.LIST, arrow.LARGE_LIST:
	default:
		return nil, fmt.Errorf("jsonkernel: to_json needs a struct, map or list column, got %s", values.DataType())
	}
	w, err := newWriter(opts)
	if err != nil {
		return nil, err
	}
	if err := w.check(values.DataType()); err != nil {
		return nil, err
	}
	b := array.NewStringBuilder(mem)
	defer b.Release()
	var out []byte
	for i := 0; i < values.Len(); i++ {
		if values.IsNull(i) {
			b.AppendNull()
			continue
		}
		out = w.value(out[:0], values, i)
		b.BinaryBuilder.Append(out)
	}
	return b.NewStringArray(), nil
}

// check refuses types the writer cannot render, before any row.
func (w *writer) check(t arrow.DataType) error {
	switch t := t.(type) {
	case *arrow.NullType, *arrow.BooleanType, *arrow.Int8Type, *arrow.Int16Type, *arrow.Int32Type,
		*arrow.Int64Type, *arrow.Uint8Type, *arrow.Uint16Type, *arrow.Uint32Type, *arrow.Uint64Type,
		*arrow.Float32Type, *arrow.Float64Type, *arrow.Decimal128Type, *arrow.StringType,
		*arrow.LargeStringType, *arrow.BinaryType, *arrow.LargeBinaryType, *arrow.Date32Type,
		*arrow.TimestampType:
		return nil
	case *arrow.StructType:
		for _, f := range t.Fields() {
			if err := w.check(f.Type); err != nil {
				return err
			}
		}
		return nil
	case *arrow.ListType:
		return w.check(t.Elem())
	case *arrow.LargeListType:
		return w.check(t.Elem())
	case *arrow.MapType:
		if err := w.check(t.KeyType()); err != nil {
			return err
		}
		return w.check(t.ItemType())
	}
	return fmt.Errorf("%w: to_json cannot write %s", ErrUnsupportedType, t)
}

// value appends the JSON of the non-null slot i of a.
func (w *writer) value(out []byte, a arrow.Array, i int) []byte {
	switch a := a.(type) {
	case *array.Boolean:
		return strconv.AppendBool(out, a.Value(i))
	case *array.Int8:
		return strconv.AppendInt(out, int64(a.Value(i)), 10)
	case *array.Int16:
		return strconv.AppendInt(out, int64(a.Value(i)), 10)
	case *array.Int32:
		return strconv.AppendInt(out, int64(a.Value(i)), 10)
	case *array.Int64:
		return strconv.AppendInt(out, a.Value(i), 10)
	case *array.Uint8:
		return strconv.AppendUint(out, uint64(a.Value(i)), 10)
	case *array.Uint16:
		return strconv.AppendUint(out, uint64(a.Value(i)), 10)
	case *array.Uint32:
		return strconv.AppendUint(out, uint64(a.Value(i)), 10)
	case *array.Uint64:
		return strconv.AppendUint(out, a.Value(i), 10)
	case *array.Float32:
		return appendJavaFloat(out, float64(a.Value(i)), 32)
	case *array.Float64:
		return appendJavaFloat(out, a.Value(i), 64)
	case *array.Decimal128:
		return append(out, a.Value(i).ToString(a.DataType().(*arrow.Decimal128Type).Scale)...)
	case *array.String:
		return appendQuoted(out, stringBytes(a.Value(i)))
	case *array.LargeString:
		return appendQuoted(out, stringBytes(a.Value(i)))
	case *array.Binary:
		return w.binary(out, a.Value(i))
	case *array.LargeBinary:
		return w.binary(out, a.Value(i))
	case *array.Date32:
		t := time.Unix(int64(a.Value(i))*86400, 0).UTC()
		return w.quotedTime(out, t, w.dateLayout)
	case *array.Timestamp:
		return w.timestamp(out, a, i)
	case *array.Struct:
		return w.object(out, a, i)
	case *array.Map:
		return w.mapValue(out, a, i)
	case array.ListLike:
		return w.list(out, a, i)
	}
	return append(out, "null"...) // arrow.Null; other types are refused by check
}

func (w *writer) binary(out, v []byte) []byte {
	out = append(out, '"')
	out = base64.StdEncoding.AppendEncode(out, v)
	return append(out, '"')
}

func (w *writer) timestamp(out []byte, a *array.Timestamp, i int) []byte {
	tt := a.DataType().(*arrow.TimestampType)
	t := a.Value(i).ToTime(tt.Unit)
	if tt.TimeZone == "" {
		return w.quotedTime(out, t.UTC(), w.ntzLayout)
	}
	return w.quotedTime(out, t.In(w.opts.TimeZone), w.tsLayout)
}

func (w *writer) quotedTime(out []byte, t time.Time, layout string) []byte {
	out = append(out, '"')
	out = t.AppendFormat(out, layout)
	return append(out, '"')
}

func (w *writer) object(out []byte, a *array.Struct, i int) []byte {
	st := a.DataType().(*arrow.StructType)
	out = append(out, '{')
	first := true
	for k := 0; k < a.NumField(); k++ {
		f := a.Field(k)
		if f.IsNull(i) && !w.opts.IncludeNullFields {
			continue
		}
		if !first {
			out = append(out, ',')
		}
		first = false
		out = appendQuoted(out, stringBytes(st.Field(k).Name))
		out = append(out, ':')
		out = w.nullable(out, f, i)
	}
	return append(out, '}')
}

func (w *writer) nullable(out []byte, a arrow.Array, i int) []byte {
	if a.IsNull(i) {
		return append(out, "null"...)
	}
	return w.value(out, a, i)
}

func (w *writer) list(out []byte, a array.ListLike, i int) []byte {
	start, end := a.ValueOffsets(i)
	vals := a.ListValues()
	out = append(out, '[')
	for j := start; j < end; j++ {
		if j > start {
			out = append(out, ',')
		}
		out = w.nullable(out, vals, int(j))
	}
	return append(out, ']')
}

func (w *writer) mapValue(out []byte, a *array.Map, i int) []byte {
	start, end := a.ValueOffsets(i)
	keys, items := a.Keys(), a.Items()
	out = append(out, '{')
	for j := int(start); j < int(end); j++ {
		if j > int(start) {
			out = append(out, ',')
		}
		out = w.mapKey(out, keys, j)
		out = append(out, ':')
		out = w.nullable(out, items, j)
	}
	return append(out, '}')
}

// mapKey writes a key as a JSON string: strings as they are, other types
// as the text of their JSON form.
func (w *writer) mapKey(out []byte, keys arrow.Array, j int) []byte {
	switch k := keys.(type) {
	case *array.String:
		return appendQuoted(out, stringBytes(k.Value(j)))
	case *array.LargeString:
		return appendQuoted(out, stringBytes(k.Value(j)))
	}
	text := w.nullable(nil, keys, j)
	if len(text) > 1 && text[0] == '"' {
		return append(out, text...)
	}
	return appendQuoted(out, text)
}

// appendJavaFloat writes v as Java's Double.toString (Float.toString for
// bits 32) does, which is what Spark's to_json emits (kernels.AppendJava*).
// NaN and infinities are quoted strings, as Jackson writes them by
// default.
func appendJavaFloat(out []byte, v float64, bits int) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		out = append(out, '"')
		out = kernels.AppendJavaDouble(out, v)
		return append(out, '"')
	}
	if bits == 32 {
		return kernels.AppendJavaFloat(out, float32(v))
	}
	return kernels.AppendJavaDouble(out, v)
}
