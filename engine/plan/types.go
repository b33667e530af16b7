package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// Type is an Arrow data type in a plan. Leaf types are strings ("int64",
// "string", "timestamp[us, UTC]"); nested types are objects:
//
//	{"list": FIELD}
//	{"struct": [FIELD, ...]}
//	{"map": {"key": FIELD, "item": FIELD, "keysSorted": true}}
//
// where FIELD is {"name":..., "type": TYPE, "nullable": true, "metadata": {...}}.
type Type struct{ arrow.DataType }

// Schema is an Arrow schema in a plan: {"fields": [FIELD, ...], "metadata": {...}}.
type Schema struct{ *arrow.Schema }

var leafTypes = map[string]arrow.DataType{
	"null":         arrow.Null,
	"bool":         arrow.FixedWidthTypes.Boolean,
	"int8":         arrow.PrimitiveTypes.Int8,
	"int16":        arrow.PrimitiveTypes.Int16,
	"int32":        arrow.PrimitiveTypes.Int32,
	"int64":        arrow.PrimitiveTypes.Int64,
	"uint8":        arrow.PrimitiveTypes.Uint8,
	"uint16":       arrow.PrimitiveTypes.Uint16,
	"uint32":       arrow.PrimitiveTypes.Uint32,
	"uint64":       arrow.PrimitiveTypes.Uint64,
	"float32":      arrow.PrimitiveTypes.Float32,
	"float64":      arrow.PrimitiveTypes.Float64,
	"string":       arrow.BinaryTypes.String,
	"large_string": arrow.BinaryTypes.LargeString,
	"binary":       arrow.BinaryTypes.Binary,
	"large_binary": arrow.BinaryTypes.LargeBinary,
	"date32":       arrow.FixedWidthTypes.Date32,
	"date64":       arrow.FixedWidthTypes.Date64,
}

var timeUnits = map[string]arrow.TimeUnit{
	"s": arrow.Second, "ms": arrow.Millisecond, "us": arrow.Microsecond, "ns": arrow.Nanosecond,
}

// TypeName is the plan name of a leaf type, or an error for a type plans
// cannot hold.
func TypeName(dt arrow.DataType) (string, error) {
	if ts, ok := dt.(*arrow.TimestampType); ok {
		unit := ts.Unit.String()
		if ts.TimeZone == "" {
			return "timestamp[" + unit + "]", nil
		}
		return "timestamp[" + unit + ", " + ts.TimeZone + "]", nil
	}
	for name, t := range leafTypes {
		if arrow.TypeEqual(t, dt) {
			return name, nil
		}
	}
	return "", fmt.Errorf("plan: type %s is not supported in plans", dt)
}

// ParseTypeName is the inverse of TypeName.
func ParseTypeName(name string) (arrow.DataType, error) {
	if t, ok := leafTypes[name]; ok {
		return t, nil
	}
	if rest, ok := strings.CutPrefix(name, "timestamp["); ok {
		if body, ok := strings.CutSuffix(rest, "]"); ok {
			unit, tz, _ := strings.Cut(body, ", ")
			if u, ok := timeUnits[unit]; ok {
				return &arrow.TimestampType{Unit: u, TimeZone: tz}, nil
			}
		}
	}
	return nil, fmt.Errorf("plan: unknown type %q (known: %s, timestamp[s|ms|us|ns], timestamp[UNIT, ZONE], list, struct, map)", name, strings.Join(slices.Sorted(maps.Keys(leafTypes)), ", "))
}

type fieldJSON struct {
	Name     string            `json:"name"`
	Type     *Type             `json:"type"`
	Nullable bool              `json:"nullable,omitempty"`
	Metadata map[string]string `json:"metadata,omitempty"`
}

type mapJSON struct {
	Key        fieldJSON `json:"key"`
	Item       fieldJSON `json:"item"`
	KeysSorted bool      `json:"keysSorted,omitempty"`
}

type nestedJSON struct {
	List   *fieldJSON   `json:"list,omitempty"`
	Struct *[]fieldJSON `json:"struct,omitempty"`
	Map    *mapJSON     `json:"map,omitempty"`
}

func toFieldJSON(f arrow.Field) fieldJSON {
	return fieldJSON{Name: f.Name, Type: &Type{f.Type}, Nullable: f.Nullable, Metadata: metaMap(f.Metadata)}
}

func (f fieldJSON) field() (arrow.Field, error) {
	if f.Type == nil || f.Type.DataType == nil {
		return arrow.Field{}, fmt.Errorf("plan: field %q has no type", f.Name)
	}
	return arrow.Field{Name: f.Name, Type: f.Type.DataType, Nullable: f.Nullable, Metadata: mapMeta(f.Metadata)}, nil
}

// MarshalJSON encodes the type; a type plans cannot hold is an error.
func (t Type) MarshalJSON() ([]byte, error) {
	switch dt := t.DataType.(type) {
	case nil:
		return nil, fmt.Errorf("plan: missing type")
	case *arrow.ListType:
		f := toFieldJSON(dt.ElemField())
		return json.Marshal(nestedJSON{List: &f})
	case *arrow.StructType:
		fs := make([]fieldJSON, 0, dt.NumFields())
		for _, f := range dt.Fields() {
			fs = append(fs, toFieldJSON(f))
		}
		return json.Marshal(nestedJSON{Struct: &fs})
	case *arrow.MapType:
		return json.Marshal(nestedJSON{Map: &mapJSON{Key: toFieldJSON(dt.KeyField()), Item: toFieldJSON(dt.ItemField()), KeysSorted: dt.KeysSorted}})
	}
	name, err := TypeName(t.DataType)
	if err != nil {
		return nil, err
	}
	return json.Marshal(name)
}

// UnmarshalJSON decodes a type, naming what it does not know.
func (t *Type) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var name string
		if err := json.Unmarshal(b, &name); err != nil {
			return fmt.Errorf("plan: bad type %s: %v", b, err)
		}
		dt, err := ParseTypeName(name)
		if err != nil {
			return err
		}
		t.DataType = dt
		return nil
	}
	var n nestedJSON
	if err := strictUnmarshal(b, &n); err != nil {
		return fmt.Errorf("plan: bad type %s: want a type name or {\"list\"|\"struct\"|\"map\": ...}: %v", truncate(b), err)
	}
	dt, err := n.dataType(b)
	if err != nil {
		return err
	}
	t.DataType = dt
	return nil
}

func (n nestedJSON) dataType(raw []byte) (arrow.DataType, error) {
	switch {
	case n.List != nil && n.Struct == nil && n.Map == nil:
		f, err := n.List.field()
		if err != nil {
			return nil, err
		}
		return arrow.ListOfField(f), nil
	case n.Struct != nil && n.List == nil && n.Map == nil:
		fs := make([]arrow.Field, 0, len(*n.Struct))
		for _, fj := range *n.Struct {
			f, err := fj.field()
			if err != nil {
				return nil, err
			}
			fs = append(fs, f)
		}
		return arrow.StructOf(fs...), nil
	case n.Map != nil && n.List == nil && n.Struct == nil:
		k, err := n.Map.Key.field()
		if err != nil {
			return nil, err
		}
		v, err := n.Map.Item.field()
		if err != nil {
			return nil, err
		}
		m := arrow.MapOfFields(k, v)
		m.KeysSorted = n.Map.KeysSorted
		return m, nil
	}
	return nil, fmt.Errorf("plan: bad type %s: want exactly one of list, struct, map", truncate(raw))
}

type schemaJSON struct {
	Fields   []fieldJSON       `json:"fields"`
	Metadata map[string]string `json:"metadata,omitempty"`
}

// MarshalJSON encodes the schema.
func (s Schema) MarshalJSON() ([]byte, error) {
	if s.Schema == nil {
		return nil, fmt.Errorf("plan: missing schema")
	}
	fs := make([]fieldJSON, 0, s.NumFields())
	for _, f := range s.Fields() {
		fs = append(fs, toFieldJSON(f))
	}
	md := s.Schema.Metadata()
	return json.Marshal(schemaJSON{Fields: fs, Metadata: metaMap(md)})
}

// UnmarshalJSON decodes a schema.
func (s *Schema) UnmarshalJSON(b []byte) error {
	var sj schemaJSON
	if err := strictUnmarshal(b, &sj); err != nil {
		return fmt.Errorf("plan: bad schema %s: %v", truncate(b), err)
	}
	fs := make([]arrow.Field, 0, len(sj.Fields))
	for _, fj := range sj.Fields {
		f, err := fj.field()
		if err != nil {
			return err
		}
		fs = append(fs, f)
	}
	md := mapMeta(sj.Metadata)
	s.Schema = arrow.NewSchema(fs, &md)
	return nil
}

// metaMap turns Arrow metadata into a map; nil when empty. Arrow metadata
// with a duplicate key keeps the last value, which is what readers see.
func metaMap(md arrow.Metadata) map[string]string {
	if md.Len() == 0 {
		return nil
	}
	m := make(map[string]string, md.Len())
	for i, k := range md.Keys() {
		m[k] = md.Values()[i]
	}
	return m
}

// mapMeta turns a map into Arrow metadata with sorted keys, so equal maps
// give equal metadata.
func mapMeta(m map[string]string) arrow.Metadata {
	if len(m) == 0 {
		return arrow.Metadata{}
	}
	keys := slices.Sorted(maps.Keys(m))
	vals := make([]string, len(keys))
	for i, k := range keys {
		vals[i] = m[k]
	}
	return arrow.NewMetadata(keys, vals)
}

func strictUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func truncate(b []byte) string {
	const max = 80
	if len(b) <= max {
		return string(b)
	}
	return string(b[:max]) + "..."
}
