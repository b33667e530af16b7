package expr

import (
	"math"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/spate-io/spate/engine/plan"
)

var testSchema = arrow.NewSchema([]arrow.Field{
	{Name: "a", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "b", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "bin", Type: arrow.BinaryTypes.Binary, Nullable: true},
	{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}, Nullable: true},
	{Name: "flag", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	{Name: "st", Type: arrow.StructOf(
		arrow.Field{Name: "x", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		arrow.Field{Name: "y", Type: arrow.BinaryTypes.String, Nullable: true},
	), Nullable: true},
	{Name: "tags", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
}, nil)

// Rows: ts 1715953512345 is 2024-05-17 13:45:12.345 UTC; bin "aGk=" is "hi".
const testRows = `[
{"a": 7, "b": 10, "f": 2.5, "s": " Hello World ", "bin": "aGk=", "ts": 1715953512345, "flag": true, "st": {"x": 1, "y": "p"}, "tags": ["a","b","c"]},
{"a": -3, "b": 0, "f": -0.5, "s": "/shop/shoes", "bin": "", "ts": 0, "flag": false, "st": null, "tags": []},
{"a": null, "b": null, "f": null, "s": null, "bin": null, "ts": null, "flag": null, "st": {"x": null, "y": "q"}, "tags": null}
]`

func TestEval(t *testing.T) {
	cases := []struct {
		name string
		e    *plan.Expr
		want string
	}{
		{"col", col("a"), `[7,-3,null]`},
		{"nested", col("st.x"), `[1,null,null]`},
		{"nested under null struct", col("st.y"), `["p",null,"q"]`},
		{"backticks and case", col("ST.`y`"), `["p",null,"q"]`},
		{"add widens", call("add", col("a"), col("b")), `[17,-3,null]`},
		{"add literal", call("add", col("a"), lit(1)), `[8,-2,null]`},
		{"int overflow wraps", call("add", col("b"), lit(int64(math.MaxInt64))), `[-9223372036854775799,9223372036854775807,null]`},
		{"subtract", call("subtract", col("f"), col("a")), `[-4.5,2.5,null]`},
		{"multiply", call("multiply", col("a"), col("a")), `[49,9,null]`},
		{"divide is double", call("divide", col("a"), lit(2)), `[3.5,-1.5,null]`},
		{"divide by zero is null", call("divide", col("a"), col("b")), `[0.7,null,null]`},
		{"mod", call("mod", col("a"), lit(4)), `[3,-3,null]`},
		{"mod by zero", call("mod", col("a"), lit(0)), `[null,null,null]`},
		{"negate", call("negate", col("a")), `[-7,3,null]`},
		{"abs", call("abs", col("a")), `[7,3,null]`},
		{"gt", call("gt", col("a"), lit(0)), `[true,false,null]`},
		{"eq string", call("eq", col("s"), lit("/shop/shoes")), `[false,true,null]`},
		{"eq null safe", call("eq_null_safe", col("a"), lit(nil)), `[false,false,true]`},
		{"and kleene", call("and", col("flag"), lit(false)), `[false,false,false]`},
		{"or kleene", call("or", col("flag"), lit(true)), `[true,true,true]`},
		{"not", call("not", col("flag")), `[false,true,null]`},
		{"is_null", call("is_null", col("a")), `[false,false,true]`},
		{"is_not_null", call("is_not_null", col("st")), `[true,false,true]`},
		{"in literals", call("in", col("a"), lit(7), lit(8)), `[true,false,null]`},
		{"in with null", call("in", col("a"), lit(7), lit(nil)), `[true,null,null]`},
		{"in columns", call("in", col("a"), col("a"), lit(1)), `[true,true,null]`},
		{"between", call("between", col("a"), lit(0), lit(10)), `[true,false,null]`},
		{"like", call("like", col("s"), lit("/shop/%")), `[false,true,null]`},
		{"rlike", call("rlike", col("s"), lit(`^\s*H`)), `[true,false,null]`},
		{"coalesce", call("coalesce", col("a"), col("st.x"), lit(0)), `[7,-3,0]`},
		{"case when", &plan.Expr{Op: plan.OpCaseWhen, Args: []*plan.Expr{call("gt", col("a"), lit(0)), lit("pos"), call("lt", col("a"), lit(0)), lit("neg"), lit("none")}}, `["pos","neg","none"]`},
		{"case when no else", &plan.Expr{Op: plan.OpCaseWhen, Args: []*plan.Expr{call("gt", col("a"), lit(0)), col("b")}}, `[10,null,null]`},
		{"lower", call("lower", col("s")), `[" hello world ","/shop/shoes",null]`},
		{"upper", call("upper", col("s")), `[" HELLO WORLD ","/SHOP/SHOES",null]`},
		{"trim", call("trim", col("s")), `["Hello World","/shop/shoes",null]`},
		{"ltrim", call("ltrim", col("s")), `["Hello World ","/shop/shoes",null]`},
		{"length", call("length", col("s")), `[13,11,null]`},
		{"length binary", call("length", col("bin")), `[2,0,null]`},
		{"substring", call("substring", col("s"), lit(2), lit(5)), `["Hello","shop/",null]`},
		{"substring negative", call("substring", col("s"), lit(-6)), `["World ","/shoes",null]`},
		{"concat", call("concat", col("s"), lit("!"), col("a")), `[" Hello World !7","/shop/shoes!-3",null]`},
		{"concat_ws skips nulls", call("concat_ws", lit("-"), col("a"), col("st.y")), `["7-p","-3","q"]`},
		{"split", call("split", col("s"), lit("/")), `[[" Hello World "],["","shop","shoes"],null]`},
		{"regexp_extract", call("regexp_extract", col("s"), lit(`(\w+) (\w+)`), lit(2)), `["World","",null]`},
		{"regexp_replace", call("regexp_replace", col("s"), lit(`o(\w)`), lit("[$1]")), `[" Hello W[r]ld ","/sh[p]/sh[e]s",null]`},
		{"starts_with", call("starts_with", col("s"), lit("/shop")), `[false,true,null]`},
		{"cast int to string", &plan.Expr{Op: plan.OpCast, Type: &plan.Type{DataType: arrow.BinaryTypes.String}, Args: []*plan.Expr{col("a")}}, `["7","-3",null]`},
		{"cast double to string", &plan.Expr{Op: plan.OpCast, Type: &plan.Type{DataType: arrow.BinaryTypes.String}, Args: []*plan.Expr{col("f")}}, `["2.5","-0.5",null]`},
		{"cast string to int", &plan.Expr{Op: plan.OpCast, Type: &plan.Type{DataType: arrow.PrimitiveTypes.Int32}, Args: []*plan.Expr{col("s")}}, `[null,null,null]`},
		{"cast binary to string", &plan.Expr{Op: plan.OpCast, Type: &plan.Type{DataType: arrow.BinaryTypes.String}, Args: []*plan.Expr{col("bin")}}, `["hi","",null]`},
		{"cast ts to string", &plan.Expr{Op: plan.OpCast, Type: &plan.Type{DataType: arrow.BinaryTypes.String}, Args: []*plan.Expr{col("ts")}}, `["2024-05-17 13:45:12.345","1970-01-01 00:00:00",null]`},
		{"cast ts to long", &plan.Expr{Op: plan.OpCast, Type: &plan.Type{DataType: arrow.PrimitiveTypes.Int64}, Args: []*plan.Expr{col("ts")}}, `[1715953512,0,null]`},
		{"cast double to int", &plan.Expr{Op: plan.OpCast, Type: &plan.Type{DataType: arrow.PrimitiveTypes.Int32}, Args: []*plan.Expr{col("f")}}, `[2,0,null]`},
		{"cast bool to int", &plan.Expr{Op: plan.OpCast, Type: &plan.Type{DataType: arrow.PrimitiveTypes.Int32}, Args: []*plan.Expr{col("flag")}}, `[1,0,null]`},
		{"hash", call("hash", lit("Spark"), lit(123), lit(2)), `[-1321691492,-1321691492,-1321691492]`},
		{"xxhash64", call("xxhash64", lit("Spark"), lit(123), lit(2)), `[5602566077635097486,5602566077635097486,5602566077635097486]`},
		{"hash skips nulls", call("hash", col("a")), `[1079293707,-1573329414,42]`},
		{"sha256", call("sha256", col("bin")), `["8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4","e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",null]`},
		{"md5", call("md5", lit("Spark")), `["8cde774d6f7333752ed72cacddb05126","8cde774d6f7333752ed72cacddb05126","8cde774d6f7333752ed72cacddb05126"]`},
		{"year", call("year", col("ts")), `[2024,1970,null]`},
		{"month", call("month", col("ts")), `[5,1,null]`},
		{"dayofmonth", call("dayofmonth", col("ts")), `[17,1,null]`},
		{"hour", call("hour", col("ts")), `[13,0,null]`},
		{"minute", call("minute", col("ts")), `[45,0,null]`},
		{"second", call("second", col("ts")), `[12,0,null]`},
		{"dayofweek", call("dayofweek", col("ts")), `[6,5,null]`},
		{"date_trunc", call("unix_timestamp", call("date_trunc", lit("HOUR"), col("ts"))), `[1715950800,0,null]`},
		{"to_timestamp", call("unix_timestamp", call("to_timestamp", lit("2024-05-17T13:45:12Z"))), `[1715953512,1715953512,1715953512]`},
		{"to_timestamp pattern", call("unix_timestamp", call("to_timestamp", lit("17/05/2024 13:45"), lit("dd/MM/yyyy HH:mm"))), `[1715953500,1715953500,1715953500]`},
		{"to_timestamp bad", call("to_timestamp", col("s")), `[null,null,null]`},
		{"from_unixtime", call("from_unixtime", col("b")), `["1970-01-01 00:00:10","1970-01-01 00:00:00",null]`},
		{"unix_timestamp of string", call("unix_timestamp", lit("2024-05-17 13:45:12")), `[1715953512,1715953512,1715953512]`},
		{"timestamp_millis", call("unix_timestamp", call("timestamp_millis", col("b"))), `[0,0,null]`},
		{"current_timestamp", call("unix_timestamp", call("current_timestamp")), `[1700000000,1700000000,1700000000]`},
		{"size", call("size", col("tags")), `[3,0,-1]`},
		{"element_at", call("element_at", col("tags"), lit(-1)), `["c",null,null]`},
		{"to_json", call("to_json", col("st")), `["{\"x\":1,\"y\":\"p\"}",null,"{\"y\":\"q\"}"]`},
		{"get_json_object", call("get_json_object", lit(`{"a":{"b":[1,2]}}`), lit("$.a.b[1]")), `["2","2","2"]`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mem := checked(t)
			rec := record(t, mem, testSchema, testRows)
			defer rec.Release()
			got, _, err := evalJSON(t, mem, rec, c.e)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Fatalf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

func TestAnalysisErrors(t *testing.T) {
	cases := []struct {
		name string
		e    *plan.Expr
		want string
	}{
		{"unknown column", col("usr_id"), `engine: unknown column "usr_id" in Select (columns: a, b, f, s, bin, ts, flag, st, tags)`},
		{"did you mean", col("tagz"), `did you mean "tags"?`},
		{"unknown field", col("st.z"), `unknown field "z" of struct column "st" in Select (did you mean "x"? fields: x, y)`},
		{"field of non-struct", col("a.b"), `cannot read field "b" of column "a" in Select: it is int32, not a struct`},
		{"star outside select", col("st.*"), `a star only expands in Select`},
		{"string plus int", call("add", col("s"), lit(1)), `"+" needs numbers in Select, got s (string) and 1 (int32)`},
		{"compare struct", call("eq", col("st"), lit(1)), `"=" cannot compare st`},
		{"and of int", call("and", col("a"), col("flag")), `AND needs booleans in Select, got a (int32)`},
		{"bad like", call("like", col("s"), lit(`a\b`)), `escape character`},
		{"like pattern column", call("like", col("s"), col("s")), `the pattern must be a non-null string literal`},
		{"bad regexp", call("rlike", col("s"), lit(`(?<=a)b`)), `not valid RE2 syntax`},
		{"bad group", call("regexp_extract", col("s"), lit(`(a)`), lit(2)), `group 2 does not exist`},
		{"bad trunc unit", call("date_trunc", lit("fortnight"), col("ts")), `unknown unit "fortnight"`},
		{"bad cast", &plan.Expr{Op: plan.OpCast, Type: &plan.Type{DataType: arrow.ListOf(arrow.PrimitiveTypes.Int32)}, Args: []*plan.Expr{col("a")}}, `cannot cast a from int32 to`},
		{"unknown udf", &plan.Expr{Op: plan.OpUDF, Name: "geohash"}, `unknown UDF "geohash" in Select`},
		{"coalesce types", call("coalesce", col("a"), col("st")), `coalesce in Select: int32 and struct`},
		{"from_json of int", &plan.Expr{Op: plan.OpFromJSON, Type: &plan.Type{DataType: arrow.StructOf()}, Args: []*plan.Expr{col("a")}}, `from_json needs a string or binary column`},
		{"from_json option", &plan.Expr{Op: plan.OpFromJSON, Type: &plan.Type{DataType: arrow.StructOf()}, Options: map[string]string{"mood": "x"}, Args: []*plan.Expr{col("s")}}, `unknown option "mood"`},
		{"element_at zero", call("element_at", col("tags"), lit(0)), `SQL array indices start at 1`},
		{"to_json of int", call("to_json", col("a")), `to_json needs a struct, map or list`},
		{"bad path", call("get_json_object", col("s"), lit("a.b")), `it must start with $`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mem := checked(t)
			rec := record(t, mem, testSchema, testRows)
			defer rec.Release()
			_, _, err := evalJSON(t, mem, rec, c.e)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v\nwant error containing %s", err, c.want)
			}
		})
	}
}
