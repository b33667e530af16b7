package plan

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
)

// Literal values are held in the Go type of their Arrow storage:
//
//	bool                       bool
//	int8..int64, uint8..uint64 the same Go type
//	float32, float64           the same Go type (NaN and ±Inf allowed)
//	string, large_string       string (valid UTF-8)
//	binary, large_binary       []byte
//	date32                     int32 days since 1970-01-01
//	date64                     int64 milliseconds since the epoch
//	timestamp[UNIT, ZONE]      int64 in UNIT since the epoch
//
// and nil for null. In JSON, floats that are not finite are the strings
// "NaN", "Infinity" and "-Infinity"; binary is base64.

// Lit makes a literal expression of type dt holding v (nil for null).
func Lit(dt arrow.DataType, v any) (*Expr, error) {
	if _, err := TypeName(dt); err != nil {
		return nil, fmt.Errorf("plan: literal of type %s: only leaf types can be literals", dt)
	}
	e := &Expr{Op: OpLit, Type: &Type{dt}}
	if v == nil {
		return e, nil
	}
	raw, err := encodeLiteral(dt, v)
	if err != nil {
		return nil, err
	}
	e.Value = raw
	return e, nil
}

func encodeLiteral(dt arrow.DataType, v any) (json.RawMessage, error) {
	want := literalGoType(dt)
	bad := fmt.Errorf("plan: literal of type %s must hold a Go %s, got %T", dt, want, v)
	switch x := v.(type) {
	case bool:
		if dt.ID() != arrow.BOOL {
			return nil, bad
		}
		return json.Marshal(x)
	case int8, int16, int32, int64, uint8, uint16, uint32, uint64:
		if want != fmt.Sprintf("%T", v) {
			return nil, bad
		}
		return json.Marshal(x)
	case float32:
		if dt.ID() != arrow.FLOAT32 {
			return nil, bad
		}
		return encodeFloat(float64(x), 32), nil
	case float64:
		if dt.ID() != arrow.FLOAT64 {
			return nil, bad
		}
		return encodeFloat(x, 64), nil
	case string:
		if want != "string" {
			return nil, bad
		}
		if !utf8.ValidString(x) {
			return nil, fmt.Errorf("plan: string literal is not valid UTF-8; use a binary literal for raw bytes")
		}
		return json.Marshal(x)
	case []byte:
		if want != "[]byte" {
			return nil, bad
		}
		return json.Marshal(base64.StdEncoding.EncodeToString(x))
	}
	return nil, bad
}

// literalGoType names the Go type that holds a literal of dt.
func literalGoType(dt arrow.DataType) string {
	switch dt.ID() {
	case arrow.BOOL:
		return "bool"
	case arrow.INT8:
		return "int8"
	case arrow.INT16:
		return "int16"
	case arrow.INT32, arrow.DATE32:
		return "int32"
	case arrow.INT64, arrow.DATE64, arrow.TIMESTAMP:
		return "int64"
	case arrow.UINT8:
		return "uint8"
	case arrow.UINT16:
		return "uint16"
	case arrow.UINT32:
		return "uint32"
	case arrow.UINT64:
		return "uint64"
	case arrow.FLOAT32:
		return "float32"
	case arrow.FLOAT64:
		return "float64"
	case arrow.STRING, arrow.LARGE_STRING:
		return "string"
	case arrow.BINARY, arrow.LARGE_BINARY:
		return "[]byte"
	}
	return "nil"
}

func encodeFloat(f float64, bits int) json.RawMessage {
	switch {
	case math.IsNaN(f):
		return json.RawMessage(`"NaN"`)
	case math.IsInf(f, 1):
		return json.RawMessage(`"Infinity"`)
	case math.IsInf(f, -1):
		return json.RawMessage(`"-Infinity"`)
	}
	return json.RawMessage(strconv.FormatFloat(f, 'g', -1, bits))
}

// LiteralValue decodes a lit expression's value (nil for null), checking it
// against the literal's type.
func LiteralValue(e *Expr) (any, error) {
	if e.Op != OpLit || e.Type == nil || e.Type.DataType == nil {
		return nil, fmt.Errorf("plan: not a typed literal")
	}
	if isNull(e.Value) {
		return nil, nil
	}
	dt := e.Type.DataType
	raw := bytes.TrimSpace(e.Value)
	bad := func(err error) error {
		return fmt.Errorf("plan: literal %s is not a valid %s: %v", truncate(raw), mustTypeName(dt), err)
	}
	switch dt.ID() {
	case arrow.BOOL:
		var b bool
		if err := json.Unmarshal(raw, &b); err != nil {
			return nil, bad(err)
		}
		return b, nil
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.DATE32, arrow.DATE64, arrow.TIMESTAMP:
		n, err := strconv.ParseInt(string(raw), 10, intBits(dt))
		if err != nil {
			return nil, bad(err)
		}
		return castInt(dt, n), nil
	case arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		n, err := strconv.ParseUint(string(raw), 10, intBits(dt))
		if err != nil {
			return nil, bad(err)
		}
		return castUint(dt, n), nil
	case arrow.FLOAT32, arrow.FLOAT64:
		f, err := decodeFloat(raw, intBits(dt))
		if err != nil {
			return nil, bad(err)
		}
		if dt.ID() == arrow.FLOAT32 {
			return float32(f), nil
		}
		return f, nil
	case arrow.STRING, arrow.LARGE_STRING:
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, bad(err)
		}
		return s, nil
	case arrow.BINARY, arrow.LARGE_BINARY:
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, bad(err)
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, bad(err)
		}
		return b, nil
	}
	return nil, fmt.Errorf("plan: a literal of type %s must be null", mustTypeName(dt))
}

func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}

func mustTypeName(dt arrow.DataType) string {
	if n, err := TypeName(dt); err == nil {
		return n
	}
	return dt.String()
}

func intBits(dt arrow.DataType) int {
	switch dt.ID() {
	case arrow.INT8, arrow.UINT8:
		return 8
	case arrow.INT16, arrow.UINT16:
		return 16
	case arrow.INT32, arrow.UINT32, arrow.DATE32, arrow.FLOAT32:
		return 32
	}
	return 64
}

func castInt(dt arrow.DataType, n int64) any {
	switch dt.ID() {
	case arrow.INT8:
		return int8(n)
	case arrow.INT16:
		return int16(n)
	case arrow.INT32, arrow.DATE32:
		return int32(n)
	}
	return n
}

func castUint(dt arrow.DataType, n uint64) any {
	switch dt.ID() {
	case arrow.UINT8:
		return uint8(n)
	case arrow.UINT16:
		return uint16(n)
	case arrow.UINT32:
		return uint32(n)
	}
	return n
}

func decodeFloat(raw []byte, bits int) (float64, error) {
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, err
		}
		switch s {
		case "NaN":
			return math.NaN(), nil
		case "Infinity":
			return math.Inf(1), nil
		case "-Infinity":
			return math.Inf(-1), nil
		}
		return 0, fmt.Errorf("want a number, \"NaN\", \"Infinity\" or \"-Infinity\"")
	}
	return strconv.ParseFloat(string(raw), bits)
}
