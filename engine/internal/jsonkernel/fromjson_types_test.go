package jsonkernel

import (
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// valueCase parses {"v": in} into a one-field struct of type typ and wants
// the field rendered as want (JSON of arrow's GetOneForMarshal), and the row
// flagged malformed when bad.
type valueCase struct {
	name string
	typ  arrow.DataType
	in   string
	want string
	bad  bool
	opts Options
}

func runValueCases(t *testing.T, cases []valueCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mem := checkedMem(t)
			typ := arrow.StructOf(arrow.Field{Name: "v", Type: tc.typ, Nullable: true})
			in := stringArray(mem, rowsOf(`{"v":`+tc.in+`}`))
			defer in.Release()
			res, err := FromJSON(mem, in, typ, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Release()
			if err := array.ValidateFull(res.Rows); err != nil {
				t.Fatalf("invalid arrow output: %v", err)
			}
			if got, want := rowJSON(t, res.Rows, 0), `{"v":`+tc.want+`}`; got != want {
				t.Errorf("got %s, want %s", got, want)
			}
			if gotBad := len(res.Malformed) > 0; gotBad != tc.bad {
				t.Errorf("malformed = %v (%v), want %v", gotBad, res.FirstError, tc.bad)
			}
		})
	}
}

func TestFromJSONIntegers(t *testing.T) {
	i8, i16, i32, i64 := arrow.PrimitiveTypes.Int8, arrow.PrimitiveTypes.Int16, arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Int64
	u8, u64 := arrow.PrimitiveTypes.Uint8, arrow.PrimitiveTypes.Uint64
	runValueCases(t, []valueCase{
		{name: "int8", typ: i8, in: `-128`, want: `-128`},
		{name: "int8 overflow", typ: i8, in: `128`, want: `null`, bad: true}, // Jackson getByteValue: out of range
		{name: "int16", typ: i16, in: `32767`, want: `32767`},
		{name: "int32", typ: i32, in: `-2147483648`, want: `-2147483648`},
		{name: "int32 overflow", typ: i32, in: `2147483648`, want: `null`, bad: true},
		{name: "int64 max", typ: i64, in: `9223372036854775807`, want: `9223372036854775807`},
		{name: "int64 min", typ: i64, in: `-9223372036854775808`, want: `-9223372036854775808`},
		{name: "int64 overflow", typ: i64, in: `9223372036854775808`, want: `null`, bad: true},
		{name: "huge integer", typ: i64, in: strings.Repeat("9", 400), want: `null`, bad: true},
		{name: "zero", typ: i64, in: `0`, want: `0`},
		{name: "negative zero", typ: i64, in: `-0`, want: `0`},
		{name: "float token", typ: i64, in: `1.0`, want: `null`, bad: true}, // Spark reads only VALUE_NUMBER_INT
		{name: "exponent token", typ: i64, in: `1e3`, want: `null`, bad: true},
		{name: "string", typ: i64, in: `"12"`, want: `null`, bad: true},     // no string coercion in Spark
		{name: "empty string", typ: i64, in: `""`, want: `null`, bad: true}, // SPARK-25040
		{name: "bool", typ: i64, in: `true`, want: `null`, bad: true},
		{name: "null", typ: i64, in: `null`, want: `null`},
		{name: "object", typ: i64, in: `{"a":1}`, want: `null`, bad: true},
		{name: "NaN token", typ: i64, in: `NaN`, want: `null`, bad: true},
		{name: "uint8", typ: u8, in: `255`, want: `255`},
		{name: "uint8 overflow", typ: u8, in: `256`, want: `null`, bad: true},
		{name: "uint negative", typ: u8, in: `-1`, want: `null`, bad: true},
		{name: "uint64 max", typ: u64, in: `18446744073709551615`, want: `18446744073709551615`},
		{name: "uint64 overflow", typ: u64, in: `18446744073709551616`, want: `null`, bad: true},
	})
}

func TestFromJSONFloats(t *testing.T) {
	f32, f64 := arrow.PrimitiveTypes.Float32, arrow.PrimitiveTypes.Float64
	runValueCases(t, []valueCase{
		{name: "double", typ: f64, in: `19.99`, want: `19.99`},
		{name: "double from int", typ: f64, in: `3`, want: `3`},
		{name: "exponent", typ: f64, in: `-1.5E-3`, want: `-0.0015`},
		{name: "float32", typ: f32, in: `0.5`, want: `0.5`},
		{name: "overflow is infinity", typ: f64, in: `1e400`, want: `"+Inf"`}, // Double.parseDouble
		{name: "NaN token", typ: f64, in: `NaN`, want: `"NaN"`},               // allowNonNumericNumbers=true
		{name: "Infinity token", typ: f64, in: `Infinity`, want: `"+Inf"`},
		{name: "-Infinity token", typ: f64, in: `-Infinity`, want: `"-Inf"`},
		{name: "+INF token", typ: f64, in: `+INF`, want: `"+Inf"`},
		{name: "-INF token", typ: f32, in: `-INF`, want: `"-Inf"`},
		{name: "quoted NaN", typ: f64, in: `"NaN"`, want: `"NaN"`}, // JacksonParser's special case
		{name: "quoted +Infinity", typ: f64, in: `"+Infinity"`, want: `"+Inf"`},
		{name: "quoted -INF", typ: f64, in: `"-INF"`, want: `"-Inf"`},
		{name: "quoted number", typ: f64, in: `"1.5"`, want: `null`, bad: true},
		{name: "NaN refused", typ: f64, in: `NaN`, want: `null`, bad: true, opts: Options{RejectNonNumericNumbers: true}},
		{name: "quoted NaN refused", typ: f64, in: `"NaN"`, want: `null`, bad: true, opts: Options{RejectNonNumericNumbers: true}},
		{name: "bool", typ: f64, in: `false`, want: `null`, bad: true},
	})
}

func TestFromJSONScalars(t *testing.T) {
	dec := &arrow.Decimal128Type{Precision: 5, Scale: 2}
	runValueCases(t, []valueCase{
		{name: "true", typ: arrow.FixedWidthTypes.Boolean, in: `true`, want: `true`},
		{name: "false", typ: arrow.FixedWidthTypes.Boolean, in: `false`, want: `false`},
		{name: "bool from string", typ: arrow.FixedWidthTypes.Boolean, in: `"true"`, want: `null`, bad: true},
		{name: "bool from number", typ: arrow.FixedWidthTypes.Boolean, in: `1`, want: `null`, bad: true},
		{name: "string", typ: arrow.BinaryTypes.String, in: `"héllo"`, want: `"héllo"`},
		{name: "escapes", typ: arrow.BinaryTypes.String, in: `"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00"`, want: `"a\"b\\c/d\b\f\n\r\té😀"`},
		{name: "lone surrogate", typ: arrow.BinaryTypes.String, in: `"\ud800x"`, want: `"�x"`},
		{name: "single quotes", typ: arrow.BinaryTypes.String, in: `'it"s'`, want: `"it\"s"`}, // allowSingleQuotes=true
		{name: "escaped single quote", typ: arrow.BinaryTypes.String, in: `'it\'s'`, want: `"it's"`},
		{name: "empty string", typ: arrow.BinaryTypes.String, in: `""`, want: `""`},
		{name: "large string", typ: arrow.BinaryTypes.LargeString, in: `"x"`, want: `"x"`},
		{name: "number as string", typ: arrow.BinaryTypes.String, in: `12.50`, want: `"12.50"`}, // exact text
		{name: "object as string", typ: arrow.BinaryTypes.String, in: `{"a": [1, 2]}`, want: `"{\"a\": [1, 2]}"`},
		{name: "bool as string", typ: arrow.BinaryTypes.String, in: `true`, want: `"true"`},
		{name: "binary base64", typ: arrow.BinaryTypes.Binary, in: `"aGk="`, want: `"aGk="`},
		{name: "binary bad base64", typ: arrow.BinaryTypes.Binary, in: `"!!"`, want: `null`, bad: true},
		{name: "large binary", typ: arrow.BinaryTypes.LargeBinary, in: `"AAE="`, want: `"AAE="`},
		{name: "decimal", typ: dec, in: `123.45`, want: `"123.45"`},
		{name: "decimal rounds half up", typ: dec, in: `1.005`, want: `"1.01"`},
		{name: "decimal from string", typ: dec, in: `"-9.5"`, want: `"-9.5"`},
		{name: "decimal too wide", typ: dec, in: `1234.5`, want: `null`, bad: true},
		{name: "decimal bad string", typ: dec, in: `"1x"`, want: `null`, bad: true},
		{name: "null type", typ: arrow.Null, in: `{"deep":[1,2]}`, want: `null`},
	})
}

func TestFromJSONDatesAndTimestamps(t *testing.T) {
	ms, us, ns, s := arrow.FixedWidthTypes.Timestamp_ms, arrow.FixedWidthTypes.Timestamp_us, arrow.FixedWidthTypes.Timestamp_ns, arrow.FixedWidthTypes.Timestamp_s
	ntz := &arrow.TimestampType{Unit: arrow.Microsecond}
	date := arrow.FixedWidthTypes.Date32
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no zone database:", err)
	}
	runValueCases(t, []valueCase{
		{name: "rfc3339 millis", typ: ms, in: `"2026-11-25T10:11:12.123Z"`, want: `"2026-11-25T10:11:12.123Z"`},
		{name: "offset", typ: ms, in: `"2026-11-25T11:11:12.123+01:00"`, want: `"2026-11-25T10:11:12.123Z"`},
		{name: "compact offset", typ: ms, in: `"2026-11-25T11:11:12+0100"`, want: `"2026-11-25T10:11:12Z"`},
		{name: "space and no zone", typ: s, in: `"2026-11-25 10:11:12"`, want: `"2026-11-25T10:11:12Z"`},
		{name: "date only", typ: s, in: `"2026-11-25"`, want: `"2026-11-25T00:00:00Z"`},
		{name: "year only", typ: s, in: `"2026"`, want: `"2026-01-01T00:00:00Z"`},
		{name: "nanoseconds", typ: ns, in: `"2026-11-25T10:11:12.123456789Z"`, want: `"2026-11-25T10:11:12.123456789Z"`},
		{name: "fraction truncated", typ: ms, in: `"2026-11-25T10:11:12.1239Z"`, want: `"2026-11-25T10:11:12.123Z"`},
		{name: "UTC suffix", typ: s, in: `"2026-11-25T10:11:12 UTC"`, want: `"2026-11-25T10:11:12Z"`},
		{name: "region", typ: s, in: `"2026-07-01T12:00:00 Europe/Berlin"`, want: `"2026-07-01T10:00:00Z"`},
		{name: "session zone", typ: s, in: `"2026-07-01T12:00:00"`, want: `"2026-07-01T10:00:00Z"`, opts: Options{TimeZone: berlin}},
		{name: "epoch seconds", typ: ms, in: `1764065472`, want: `"2025-11-25T10:11:12Z"`}, // Spark: getLongValue * 1e6
		{name: "negative epoch", typ: s, in: `-1`, want: `"1969-12-31T23:59:59Z"`},
		{name: "epoch float", typ: ms, in: `1.5`, want: `null`, bad: true},
		{name: "epoch overflow", typ: ns, in: `9223372037`, want: `null`, bad: true},
		{name: "ns out of range", typ: ns, in: `"2300-01-01T00:00:00Z"`, want: `null`, bad: true},
		{name: "year 9999 in us", typ: us, in: `"9999-12-31T23:59:59.999999Z"`, want: `"9999-12-31T23:59:59.999999Z"`},
		{name: "five digit year", typ: us, in: `"10000-01-01T00:00:00Z"`, want: `null`, bad: true},
		{name: "bad month", typ: s, in: `"2026-13-01T00:00:00Z"`, want: `null`, bad: true},
		{name: "feb 30", typ: s, in: `"2026-02-30"`, want: `null`, bad: true},
		{name: "leap day", typ: s, in: `"2024-02-29"`, want: `"2024-02-29T00:00:00Z"`},
		{name: "bad hour", typ: s, in: `"2026-01-01T24:00:00Z"`, want: `null`, bad: true},
		{name: "garbage", typ: s, in: `"yesterday"`, want: `null`, bad: true},
		{name: "empty", typ: s, in: `""`, want: `null`, bad: true},
		{name: "bool", typ: s, in: `true`, want: `null`, bad: true},
		{name: "ntz wall clock", typ: ntz, in: `"2026-11-25T10:11:12.5"`, want: `"2026-11-25T10:11:12.5"`},
		{name: "ntz refuses zone", typ: ntz, in: `"2026-11-25T10:11:12Z"`, want: `null`, bad: true}, // parseWithoutTimeZone(allowTimeZone=false)
		{name: "ntz refuses epoch", typ: ntz, in: `5`, want: `null`, bad: true},
		{name: "custom format", typ: s, in: `"25/11/2026 10:11"`, want: `"2026-11-25T10:11:00Z"`, opts: Options{TimestampFormat: "dd/MM/yyyy HH:mm"}},
		{name: "custom format no fallback", typ: s, in: `"2026-11-25T10:11:00Z"`, want: `null`, bad: true, opts: Options{TimestampFormat: "dd/MM/yyyy HH:mm"}},
		{name: "custom format fraction and zone", typ: ms, in: `"2026-11-25 10:11:12.250 +01:00"`, want: `"2026-11-25T09:11:12.25Z"`, opts: Options{TimestampFormat: "yyyy-MM-dd HH:mm:ss.SSS XXX"}},
		{name: "date", typ: date, in: `"2026-11-25"`, want: `"2026-11-25"`},
		{name: "date short fields", typ: date, in: `"2026-1-5"`, want: `"2026-01-05"`},
		{name: "date with time", typ: date, in: `"2026-11-25T23:59:59Z"`, want: `"2026-11-25"`},
		{name: "date before epoch", typ: date, in: `"1900-03-01"`, want: `"1900-03-01"`},
		{name: "date custom", typ: date, in: `"25.11.2026"`, want: `"2026-11-25"`, opts: Options{DateFormat: "dd.MM.yyyy"}},
		{name: "date number", typ: date, in: `20000`, want: `null`, bad: true},
		{name: "date garbage", typ: date, in: `"nope"`, want: `null`, bad: true},
	})
}

func TestFromJSONNested(t *testing.T) {
	inner := arrow.StructOf(
		arrow.Field{Name: "x", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		arrow.Field{Name: "y", Type: arrow.BinaryTypes.String, Nullable: true},
	)
	ints := arrow.ListOf(arrow.PrimitiveTypes.Int32)
	structs := arrow.ListOf(inner)
	m := arrow.MapOf(arrow.BinaryTypes.String, arrow.PrimitiveTypes.Int64)
	runValueCases(t, []valueCase{
		{name: "struct", typ: inner, in: `{"y":"b","x":1}`, want: `{"x":1,"y":"b"}`},
		{name: "struct missing field", typ: inner, in: `{"x":1}`, want: `{"x":1,"y":null}`},
		{name: "struct empty", typ: inner, in: `{}`, want: `{"x":null,"y":null}`},
		{name: "struct unknown fields", typ: inner, in: `{"z":[1,{"q":null}],"x":2}`, want: `{"x":2,"y":null}`},
		{name: "struct duplicate key last wins", typ: inner, in: `{"x":1,"x":2}`, want: `{"x":2,"y":null}`},
		// Spark 3.4+ partial results: only the failing nested field is null.
		{name: "struct partial", typ: inner, in: `{"x":"no","y":"kept"}`, want: `{"x":null,"y":"kept"}`, bad: true},
		{name: "struct from array", typ: inner, in: `[1]`, want: `null`, bad: true},
		{name: "struct null", typ: inner, in: `null`, want: `null`},
		{name: "list", typ: ints, in: `[1, 2 ,3]`, want: `[1,2,3]`},
		{name: "list empty", typ: ints, in: `[]`, want: `[]`},
		{name: "list null elements", typ: ints, in: `[null,1,null]`, want: `[null,1,null]`},
		{name: "list bad element nulls the list", typ: ints, in: `[1,"x",3]`, want: `null`, bad: true},
		{name: "list from object", typ: ints, in: `{"a":1}`, want: `null`, bad: true},
		{name: "list from scalar", typ: ints, in: `1`, want: `null`, bad: true}, // Spark does not wrap scalars
		{name: "large list", typ: arrow.LargeListOf(arrow.PrimitiveTypes.Int32), in: `[7]`, want: `[7]`},
		{name: "list of structs", typ: structs, in: `[{"x":1},{"y":"b"},null]`, want: `[{"x":1,"y":null},{"x":null,"y":"b"},null]`},
		{name: "list of structs partial", typ: structs, in: `[{"x":1},{"x":true,"y":"b"}]`, want: `[{"x":1,"y":null},{"x":null,"y":"b"}]`, bad: true},
		{name: "nested lists", typ: arrow.ListOf(ints), in: `[[1],[],null,[2,3]]`, want: `[[1],[],null,[2,3]]`},
		{name: "map", typ: m, in: `{"a":1,"b":null}`, want: `[{"key":"a","value":1},{"key":"b","value":null}]`},
		{name: "map empty", typ: m, in: `{}`, want: `[]`},
		{name: "map duplicate keys kept", typ: m, in: `{"a":1,"a":2}`, want: `[{"key":"a","value":1},{"key":"a","value":2}]`},
		{name: "map bad value nulls the map", typ: m, in: `{"a":1,"b":"x"}`, want: `null`, bad: true},
		{name: "map escaped key", typ: m, in: `{"a\u00e9":1}`, want: `[{"key":"aé","value":1}]`},
		{name: "map from array", typ: m, in: `[1]`, want: `null`, bad: true},
	})
}

func TestFromJSONEmptyBinaryIsNotNull(t *testing.T) {
	mem := checkedMem(t)
	typ := arrow.StructOf(arrow.Field{Name: "v", Type: arrow.BinaryTypes.Binary, Nullable: true})
	in := stringArray(mem, rowsOf(`{"v":""}`))
	defer in.Release()
	res, err := FromJSON(mem, in, typ, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Release()
	v := res.Rows.Field(0).(*array.Binary)
	if v.IsNull(0) || len(v.Value(0)) != 0 {
		t.Fatalf("want an empty, non-null binary, got null=%v %q", v.IsNull(0), v.Value(0))
	}
}
