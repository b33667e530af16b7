package parquetlog

import (
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// Schema is an Arrow schema as _spate_log and the task commit messages
// store it: readable, and decoded by code that bounds what it builds. (The
// Arrow IPC schema decoder trusts the lengths in its input; fuzzing showed a
// damaged byte makes it allocate without bound.)
type Schema struct {
	Fields   []Field    `json:"fields"`
	Metadata []KeyValue `json:"metadata,omitempty"`
}

// Field is one column or child field.
type Field struct {
	Name     string     `json:"name"`
	Type     Type       `json:"type"`
	Nullable bool       `json:"nullable,omitempty"`
	Metadata []KeyValue `json:"metadata,omitempty"`
}

// Type is a data type: a name plus the parameters the name takes.
type Type struct {
	Name       string  `json:"name"`
	Unit       string  `json:"unit,omitempty"`       // timestamp, time32, time64, duration
	TimeZone   string  `json:"timeZone,omitempty"`   // timestamp
	Width      int32   `json:"width,omitempty"`      // fixed_size_binary bytes, fixed_size_list length
	Precision  int32   `json:"precision,omitempty"`  // decimal128, decimal256
	Scale      int32   `json:"scale,omitempty"`      // decimal128, decimal256
	KeysSorted bool    `json:"keysSorted,omitempty"` // map
	Ordered    bool    `json:"ordered,omitempty"`    // dictionary
	Index      string  `json:"index,omitempty"`      // dictionary: the index type's name
	Children   []Field `json:"children,omitempty"`   // list (1), struct, map (key, value), dictionary value (1)
}

// KeyValue is one metadata entry, kept in order.
type KeyValue struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// MaxTypeDepth bounds nesting when decoding.
const MaxTypeDepth = 64

// simpleTypes are the types a name alone describes.
var simpleTypes = map[string]arrow.DataType{
	"null": arrow.Null, "bool": arrow.FixedWidthTypes.Boolean,
	"int8": arrow.PrimitiveTypes.Int8, "int16": arrow.PrimitiveTypes.Int16,
	"int32": arrow.PrimitiveTypes.Int32, "int64": arrow.PrimitiveTypes.Int64,
	"uint8": arrow.PrimitiveTypes.Uint8, "uint16": arrow.PrimitiveTypes.Uint16,
	"uint32": arrow.PrimitiveTypes.Uint32, "uint64": arrow.PrimitiveTypes.Uint64,
	"float16": arrow.FixedWidthTypes.Float16, "float32": arrow.PrimitiveTypes.Float32,
	"float64": arrow.PrimitiveTypes.Float64,
	"utf8":    arrow.BinaryTypes.String, "large_utf8": arrow.BinaryTypes.LargeString,
	"binary": arrow.BinaryTypes.Binary, "large_binary": arrow.BinaryTypes.LargeBinary,
	"utf8_view": arrow.BinaryTypes.StringView, "binary_view": arrow.BinaryTypes.BinaryView,
	"date32": arrow.FixedWidthTypes.Date32, "date64": arrow.FixedWidthTypes.Date64,
	"month_interval":          arrow.FixedWidthTypes.MonthInterval,
	"day_time_interval":       arrow.FixedWidthTypes.DayTimeInterval,
	"month_day_nano_interval": arrow.FixedWidthTypes.MonthDayNanoInterval,
}

// simpleNames maps the simple types' ids back to their names.
var simpleNames = func() map[arrow.Type]string {
	m := make(map[arrow.Type]string, len(simpleTypes))
	for name, dt := range simpleTypes {
		m[dt.ID()] = name
	}
	return m
}()

// EncodeSchema describes a schema; types the sink cannot store are an
// error that names the column.
func EncodeSchema(s *arrow.Schema) (*Schema, error) {
	out := &Schema{Metadata: encodeMetadata(s.Metadata())}
	for _, f := range s.Fields() {
		jf, err := encodeField(f)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", f.Name, err)
		}
		out.Fields = append(out.Fields, jf)
	}
	return out, nil
}

func encodeField(f arrow.Field) (Field, error) {
	t, err := encodeType(f.Type)
	return Field{Name: f.Name, Type: t, Nullable: f.Nullable, Metadata: encodeMetadata(f.Metadata)}, err
}

func encodeType(dt arrow.DataType) (Type, error) {
	if name, ok := simpleNames[dt.ID()]; ok {
		return Type{Name: name}, nil
	}
	switch t := dt.(type) {
	case *arrow.TimestampType:
		return Type{Name: "timestamp", Unit: t.Unit.String(), TimeZone: t.TimeZone}, nil
	case *arrow.Time32Type:
		return Type{Name: "time32", Unit: t.Unit.String()}, nil
	case *arrow.Time64Type:
		return Type{Name: "time64", Unit: t.Unit.String()}, nil
	case *arrow.DurationType:
		return Type{Name: "duration", Unit: t.Unit.String()}, nil
	case *arrow.FixedSizeBinaryType:
		return Type{Name: "fixed_size_binary", Width: int32(t.ByteWidth)}, nil
	case *arrow.Decimal128Type:
		return Type{Name: "decimal128", Precision: t.Precision, Scale: t.Scale}, nil
	case *arrow.Decimal256Type:
		return Type{Name: "decimal256", Precision: t.Precision, Scale: t.Scale}, nil
	case *arrow.ListType:
		return withChildren(Type{Name: "list"}, t.ElemField())
	case *arrow.LargeListType:
		return withChildren(Type{Name: "large_list"}, t.ElemField())
	case *arrow.FixedSizeListType:
		return withChildren(Type{Name: "fixed_size_list", Width: t.Len()}, t.ElemField())
	case *arrow.StructType:
		return withChildren(Type{Name: "struct"}, t.Fields()...)
	case *arrow.MapType:
		return withChildren(Type{Name: "map", KeysSorted: t.KeysSorted}, t.KeyField(), t.ItemField())
	case *arrow.DictionaryType:
		index, ok := simpleNames[t.IndexType.ID()]
		if !ok {
			return Type{}, fmt.Errorf("dictionary index type %s is not supported", t.IndexType)
		}
		return withChildren(Type{Name: "dictionary", Index: index, Ordered: t.Ordered}, arrow.Field{Name: "value", Type: t.ValueType})
	}
	return Type{}, fmt.Errorf("type %s is not supported by the Parquet sink", dt)
}

func withChildren(t Type, fields ...arrow.Field) (Type, error) {
	for _, f := range fields {
		c, err := encodeField(f)
		if err != nil {
			return t, err
		}
		t.Children = append(t.Children, c)
	}
	return t, nil
}

func encodeMetadata(md arrow.Metadata) []KeyValue {
	var out []KeyValue
	for i, k := range md.Keys() {
		out = append(out, KeyValue{Key: k, Value: md.Values()[i]})
	}
	return out
}

func decodeMetadata(kvs []KeyValue) *arrow.Metadata {
	if len(kvs) == 0 {
		return nil
	}
	keys, values := make([]string, len(kvs)), make([]string, len(kvs))
	for i, kv := range kvs {
		keys[i], values[i] = kv.Key, kv.Value
	}
	md := arrow.NewMetadata(keys, values)
	return &md
}

// Arrow rebuilds the schema, checking every parameter.
func (s *Schema) Arrow() (*arrow.Schema, error) {
	fields := make([]arrow.Field, len(s.Fields))
	for i, f := range s.Fields {
		af, err := f.arrow(0)
		if err != nil {
			return nil, fmt.Errorf("schema column %q: %w", f.Name, err)
		}
		fields[i] = af
	}
	return arrow.NewSchema(fields, decodeMetadata(s.Metadata)), nil
}

func (f Field) arrow(depth int) (arrow.Field, error) {
	dt, err := f.Type.arrow(depth)
	if err != nil {
		return arrow.Field{}, err
	}
	af := arrow.Field{Name: f.Name, Type: dt, Nullable: f.Nullable}
	if md := decodeMetadata(f.Metadata); md != nil {
		af.Metadata = *md
	}
	return af, nil
}

var errTooDeep = fmt.Errorf("types nest deeper than %d levels", MaxTypeDepth)

func (t Type) arrow(depth int) (arrow.DataType, error) {
	if depth > MaxTypeDepth {
		return nil, errTooDeep
	}
	if dt, ok := simpleTypes[t.Name]; ok {
		return dt, nil
	}
	children, err := t.children(depth)
	if err != nil {
		return nil, err
	}
	need := func(n int) error {
		if len(children) != n {
			return fmt.Errorf("type %s needs %d child fields, has %d", t.Name, n, len(children))
		}
		return nil
	}
	switch t.Name {
	case "timestamp", "time32", "time64", "duration":
		return t.temporal()
	case "fixed_size_binary":
		if t.Width <= 0 {
			return nil, fmt.Errorf("fixed_size_binary width %d must be positive", t.Width)
		}
		return &arrow.FixedSizeBinaryType{ByteWidth: int(t.Width)}, nil
	case "decimal128", "decimal256":
		id := map[string]arrow.Type{"decimal128": arrow.DECIMAL128, "decimal256": arrow.DECIMAL256}[t.Name]
		if t.Scale > t.Precision {
			return nil, fmt.Errorf("%s scale %d exceeds precision %d", t.Name, t.Scale, t.Precision)
		}
		return arrow.NewDecimalType(id, t.Precision, t.Scale)
	case "list":
		if err := need(1); err != nil {
			return nil, err
		}
		return arrow.ListOfField(children[0]), nil
	case "large_list":
		if err := need(1); err != nil {
			return nil, err
		}
		return arrow.LargeListOfField(children[0]), nil
	case "fixed_size_list":
		if err := need(1); err != nil {
			return nil, err
		}
		if t.Width < 0 {
			return nil, fmt.Errorf("fixed_size_list length %d is negative", t.Width)
		}
		return arrow.FixedSizeListOfField(t.Width, children[0]), nil
	case "struct":
		return arrow.StructOf(children...), nil
	case "map":
		return t.mapType(children)
	case "dictionary":
		if err := need(1); err != nil {
			return nil, err
		}
		index, ok := simpleTypes[t.Index]
		if !ok || !arrow.IsInteger(index.ID()) {
			return nil, fmt.Errorf("dictionary index type %q is not an integer type", t.Index)
		}
		return &arrow.DictionaryType{IndexType: index, ValueType: children[0].Type, Ordered: t.Ordered}, nil
	}
	return nil, fmt.Errorf("unknown type %q", t.Name)
}

func (t Type) children(depth int) ([]arrow.Field, error) {
	var out []arrow.Field
	for _, c := range t.Children {
		f, err := c.arrow(depth + 1)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

func (t Type) temporal() (arrow.DataType, error) {
	var unit arrow.TimeUnit
	found := false
	for _, u := range arrow.TimeUnitValues {
		if u.String() == t.Unit {
			unit, found = u, true
		}
	}
	if !found {
		return nil, fmt.Errorf("%s unit %q is not one of s, ms, us, ns", t.Name, t.Unit)
	}
	switch t.Name {
	case "timestamp":
		return &arrow.TimestampType{Unit: unit, TimeZone: t.TimeZone}, nil
	case "duration":
		return &arrow.DurationType{Unit: unit}, nil
	case "time32":
		if unit != arrow.Second && unit != arrow.Millisecond {
			return nil, errors.New("time32 takes s or ms")
		}
		return &arrow.Time32Type{Unit: unit}, nil
	}
	if unit != arrow.Microsecond && unit != arrow.Nanosecond {
		return nil, errors.New("time64 takes us or ns")
	}
	return &arrow.Time64Type{Unit: unit}, nil
}

func (t Type) mapType(children []arrow.Field) (arrow.DataType, error) {
	if len(children) != 2 {
		return nil, fmt.Errorf("map needs a key and a value field, has %d fields", len(children))
	}
	if children[0].Nullable {
		return nil, errors.New("map keys must not be nullable")
	}
	m := arrow.MapOfFields(children[0], children[1])
	m.KeysSorted = t.KeysSorted
	return m, nil
}
