package jsonkernel

import (
	"fmt"
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// kind is what a node decodes into.
type kind uint8

const (
	kNull kind = iota
	kBool
	kInt
	kUint
	kFloat32
	kFloat64
	kDecimal
	kString
	kBinary
	kDate
	kTimestamp
	kStruct
	kList
	kMap
)

// node is the target schema compiled once per Parser: what to produce for
// each field, with everything a row needs precomputed. Nodes are read-only
// after NewParser, so one Parser serves many goroutines.
type node struct {
	kind  kind
	typ   arrow.DataType
	path  string // dotted field path, for error messages
	width int    // bytes per value of fixed-width kinds
	large bool   // 64-bit offsets (large string, binary, list)

	min, max int64  // kInt range
	umax     uint64 // kUint range

	unitsPerSec int64 // kTimestamp: 1, 1e3, 1e6 or 1e9
	ntz         bool  // kTimestamp without a time zone: wall clock, no offsets

	prec, scale int32 // kDecimal

	fields  []*node // kStruct children; kList element; kMap entries
	names   []string
	index   map[string]int // name (lower-cased when case-insensitive) -> field
	corrupt int            // index of the corrupt record field, -1 when none
	folded  bool           // index keys are lower-cased
}

// compile builds the node for t. corrupt names the corrupt record field,
// honoured at the top level only.
func compile(t arrow.DataType, path string, opts *Options, top bool) (*node, error) {
	nd := &node{typ: t, path: path, corrupt: -1}
	switch t := t.(type) {
	case *arrow.NullType:
		nd.kind = kNull
	case *arrow.BooleanType:
		nd.kind = kBool
	case *arrow.Int8Type:
		nd.kind, nd.width, nd.min, nd.max = kInt, 1, math.MinInt8, math.MaxInt8
	case *arrow.Int16Type:
		nd.kind, nd.width, nd.min, nd.max = kInt, 2, math.MinInt16, math.MaxInt16
	case *arrow.Int32Type:
		nd.kind, nd.width, nd.min, nd.max = kInt, 4, math.MinInt32, math.MaxInt32
	case *arrow.Int64Type:
		nd.kind, nd.width, nd.min, nd.max = kInt, 8, math.MinInt64, math.MaxInt64
	case *arrow.Uint8Type:
		nd.kind, nd.width, nd.umax = kUint, 1, math.MaxUint8
	case *arrow.Uint16Type:
		nd.kind, nd.width, nd.umax = kUint, 2, math.MaxUint16
	case *arrow.Uint32Type:
		nd.kind, nd.width, nd.umax = kUint, 4, math.MaxUint32
	case *arrow.Uint64Type:
		nd.kind, nd.width, nd.umax = kUint, 8, math.MaxUint64
	case *arrow.Float32Type:
		nd.kind, nd.width = kFloat32, 4
	case *arrow.Float64Type:
		nd.kind, nd.width = kFloat64, 8
	case *arrow.Decimal128Type:
		nd.kind, nd.width, nd.prec, nd.scale = kDecimal, 16, t.Precision, t.Scale
	case *arrow.StringType:
		nd.kind = kString
	case *arrow.LargeStringType:
		nd.kind, nd.large = kString, true
	case *arrow.BinaryType:
		nd.kind = kBinary
	case *arrow.LargeBinaryType:
		nd.kind, nd.large = kBinary, true
	case *arrow.Date32Type:
		nd.kind, nd.width = kDate, 4
	case *arrow.TimestampType:
		nd.kind, nd.width, nd.ntz = kTimestamp, 8, t.TimeZone == ""
		nd.unitsPerSec = unitsPerSecond(t.Unit)
	case *arrow.StructType:
		return compileStruct(nd, t, opts, top)
	case *arrow.ListType:
		return compileList(nd, t.Elem(), path, opts, false)
	case *arrow.LargeListType:
		return compileList(nd, t.Elem(), path, opts, true)
	case *arrow.MapType:
		return compileMap(nd, t, path, opts)
	default:
		return nil, fmt.Errorf("%w: field %s has type %s; from_json reads null, bool, integers, floats, decimal128, string, binary, date32, timestamp, struct, list and map<string,_>", ErrUnsupportedType, orTop(path), t)
	}
	return nd, nil
}

func orTop(path string) string {
	if path == "" {
		return "(top level)"
	}
	return path
}

func unitsPerSecond(u arrow.TimeUnit) int64 {
	switch u {
	case arrow.Second:
		return 1
	case arrow.Millisecond:
		return 1e3
	case arrow.Microsecond:
		return 1e6
	}
	return 1e9
}

func childPath(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

func compileStruct(nd *node, t *arrow.StructType, opts *Options, top bool) (*node, error) {
	nd.kind = kStruct
	nd.folded = opts.CaseInsensitive
	nd.index = make(map[string]int, t.NumFields())
	for i, f := range t.Fields() {
		path := childPath(nd.path, f.Name)
		if top && f.Name == opts.ColumnNameOfCorruptRecord {
			if _, ok := f.Type.(*arrow.StringType); !ok {
				return nil, fmt.Errorf("jsonkernel: the corrupt record field %s must be a nullable string, got %s", f.Name, f.Type)
			}
			nd.corrupt = i
		}
		kid, err := compile(f.Type, path, opts, false)
		if err != nil {
			return nil, err
		}
		nd.fields = append(nd.fields, kid)
		nd.names = append(nd.names, f.Name)
		if i == nd.corrupt {
			continue // never read from the JSON, as in Spark
		}
		key := f.Name
		if nd.folded {
			key = strings.ToLower(key)
		}
		if j, dup := nd.index[key]; dup {
			return nil, fmt.Errorf("jsonkernel: fields %s and %s of %s match the same JSON key; rename one or use case-sensitive matching", nd.names[j], f.Name, orTop(nd.path))
		}
		nd.index[key] = i
	}
	return nd, nil
}

func compileList(nd *node, elem arrow.DataType, path string, opts *Options, large bool) (*node, error) {
	nd.kind, nd.large = kList, large
	kid, err := compile(elem, path+"[]", opts, false)
	if err != nil {
		return nil, err
	}
	nd.fields = []*node{kid}
	return nd, nil
}

func compileMap(nd *node, t *arrow.MapType, path string, opts *Options) (*node, error) {
	nd.kind = kMap
	if _, ok := t.KeyType().(*arrow.StringType); !ok {
		return nil, fmt.Errorf("%w: map %s has key type %s; JSON object keys are strings, so use map<string,_>", ErrUnsupportedType, orTop(path), t.KeyType())
	}
	key, err := compile(t.KeyType(), path+".key", opts, false)
	if err != nil {
		return nil, err
	}
	val, err := compile(t.ItemType(), path+".value", opts, false)
	if err != nil {
		return nil, err
	}
	entries := &node{kind: kStruct, typ: t.Elem(), path: path, corrupt: -1, fields: []*node{key, val}}
	nd.fields = []*node{entries}
	return nd, nil
}
