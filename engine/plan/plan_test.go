package plan

import (
	"bytes"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

var kafkaSchema = arrow.NewSchema([]arrow.Field{
	{Name: "key", Type: arrow.BinaryTypes.Binary, Nullable: true},
	{Name: "value", Type: arrow.BinaryTypes.Binary, Nullable: true},
	{Name: "topic", Type: arrow.BinaryTypes.String},
	{Name: "partition", Type: arrow.PrimitiveTypes.Int32},
	{Name: "offset", Type: arrow.PrimitiveTypes.Int64},
	{Name: "timestamp", Type: &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}},
	{Name: "timestampType", Type: arrow.PrimitiveTypes.Int32},
}, nil)

func mustLit(t testing.TB, dt arrow.DataType, v any) *Expr {
	t.Helper()
	e, err := Lit(dt, v)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// goldenPlans are the plans whose JSON is pinned in testdata/golden.
func goldenPlans(t testing.TB) map[string]*Query {
	clicks := arrow.StructOf(
		arrow.Field{Name: "user_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		arrow.Field{Name: "page", Type: arrow.BinaryTypes.String, Nullable: true},
		arrow.Field{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, Nullable: true},
		arrow.Field{Name: "tags", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
		arrow.Field{Name: "attrs", Type: arrow.MapOf(arrow.BinaryTypes.String, arrow.BinaryTypes.String), Nullable: true, Metadata: arrow.NewMetadata([]string{"doc"}, []string{"free-form"})},
	)
	kafka := Source{Kind: "kafka", Options: json.RawMessage(`{"topics":["clicks"],"startingOffsets":"earliest"}`), Schema: &Schema{kafkaSchema}, Streaming: true}
	parse := &Node{Kind: NodeProject, Input: &Node{Kind: NodeSource}}
	parse.Exprs = []*Expr{Alias(&Expr{Op: OpFromJSON, Type: &Type{clicks}, Options: map[string]string{"mode": "PERMISSIVE"}, Args: []*Expr{{Op: OpCast, Type: &Type{arrow.BinaryTypes.String}, Args: []*Expr{Col("value")}}}}, "c"), Col("partition"), Col("offset")}
	clicksPlan := &Query{
		Name:    "clicks-per-page",
		Sources: []Source{kafka},
		Root: &Node{Kind: NodeWatermark, Name: "ts", Delay: Duration(30 * time.Second), Input: &Node{
			Kind: NodeFilter,
			Cond: Call("and",
				Call("gt", Col("user_id"), mustLit(t, arrow.PrimitiveTypes.Int64, int64(0))),
				Call("like", Col("page"), mustLit(t, arrow.BinaryTypes.String, "/shop/%"))),
			Input: &Node{Kind: NodeProject, Exprs: []*Expr{Col("c.*"), Alias(Call("xxhash64", Col("c.user_id")), "bucket")}, Input: parse},
		}},
		Sink:       &Sink{Kind: "parquet", Options: json.RawMessage(`{"path":"out/clicks"}`)},
		OutputMode: OutputAppend,
		Trigger:    &Trigger{Kind: TriggerProcessingTime, Interval: Duration(5 * time.Second)},
		Checkpoint: "ckpt/clicks",
		Options:    map[string]string{"maxOffsetsPerTrigger": "10000"},
	}

	rate := Source{Kind: "rate", Options: json.RawMessage(`{"rowsPerSecond":100}`), Schema: &Schema{arrow.NewSchema([]arrow.Field{
		{Name: "timestamp", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}},
		{Name: "value", Type: arrow.PrimitiveTypes.Int64},
	}, nil)}, Streaming: true}
	literals := []*Expr{
		Alias(mustLit(t, arrow.FixedWidthTypes.Boolean, true), "b"),
		Alias(mustLit(t, arrow.PrimitiveTypes.Int8, int8(-8)), "i8"),
		Alias(mustLit(t, arrow.PrimitiveTypes.Uint64, uint64(math.MaxUint64)), "u64"),
		Alias(mustLit(t, arrow.PrimitiveTypes.Int64, int64(math.MinInt64)), "i64"),
		Alias(mustLit(t, arrow.PrimitiveTypes.Float64, math.NaN()), "nan"),
		Alias(mustLit(t, arrow.PrimitiveTypes.Float64, math.Inf(-1)), "neg_inf"),
		Alias(mustLit(t, arrow.PrimitiveTypes.Float64, 0.1), "tenth"),
		Alias(mustLit(t, arrow.PrimitiveTypes.Float32, float32(1e-45)), "tiny32"),
		Alias(mustLit(t, arrow.BinaryTypes.String, "é \"quoted\" \u2028"), "s"),
		Alias(mustLit(t, arrow.BinaryTypes.Binary, []byte{0, 0xff, 0x80}), "bin"),
		Alias(mustLit(t, arrow.FixedWidthTypes.Date32, int32(-1)), "d"),
		Alias(mustLit(t, &arrow.TimestampType{Unit: arrow.Nanosecond}, int64(1)), "ts_ns"),
		Alias(mustLit(t, arrow.BinaryTypes.String, nil), "null_s"),
		Alias(&Expr{Op: OpCaseWhen, Args: []*Expr{Call("is_null", Col("value")), mustLit(t, arrow.PrimitiveTypes.Int64, int64(0)), Col("value")}}, "cw"),
		Alias(&Expr{Op: OpUDF, Name: "geohash", Args: []*Expr{Col("value"), Col("value")}}, "gh"),
		Alias(Call("date_trunc", mustLit(t, arrow.BinaryTypes.String, "hour"), Col("timestamp")), "hour"),
		Alias(Call("current_timestamp"), "now"),
	}
	unionPlan := &Query{
		Name:    "rates",
		Sources: []Source{rate, rate},
		Root: &Node{Kind: NodeExplode, Name: "x", Outer: true, Exprs: []*Expr{Call("split", Col("s"), mustLit(t, arrow.BinaryTypes.String, ","))},
			Input: &Node{Kind: NodeProject, Exprs: literals, Input: &Node{Kind: NodeUnion, Inputs: []*Node{
				{Kind: NodeSource, Source: 0},
				{Kind: NodeSource, Source: 1},
			}}}},
		Sink:       &Sink{Kind: "memory", Options: json.RawMessage(`{"name":"out"}`)},
		OutputMode: OutputAppend,
		Trigger:    &Trigger{Kind: TriggerAvailableNow},
	}
	return map[string]*Query{"clicks": clicksPlan, "union_literals": unionPlan}
}

func TestGoldenPlans(t *testing.T) {
	for name, q := range goldenPlans(t) {
		t.Run(name, func(t *testing.T) {
			got, err := Marshal(q)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "golden", name+".json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("plan %s differs from %s (rerun with -update and read the diff):\n%s", name, path, got)
			}
			back, err := Unmarshal(want)
			if err != nil {
				t.Fatal(err)
			}
			again, err := Marshal(back)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, want) {
				t.Fatalf("round trip changed the plan:\n%s", again)
			}
			h1, _ := Hash(q)
			h2, _ := Hash(back)
			if h1 != h2 || len(h1) != 64 {
				t.Fatalf("hash not stable: %s vs %s", h1, h2)
			}
			if !back.Sources[0].Schema.Equal(q.Sources[0].Schema.Schema) {
				t.Fatalf("source schema changed: %s", back.Sources[0].Schema)
			}
		})
	}
}

func TestRoundTripKeepsTypes(t *testing.T) {
	q := goldenPlans(t)["clicks"]
	b, err := Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	want := q.Root.Input.Input.Input.Exprs[0].Args[0].Type.DataType
	got := back.Root.Input.Input.Input.Exprs[0].Args[0].Type.DataType
	if !arrow.TypeEqual(want, got, arrow.CheckMetadata()) {
		t.Fatalf("from_json schema changed:\n got %s\nwant %s", got, want)
	}
}

func TestLiteralValues(t *testing.T) {
	cases := []struct {
		dt arrow.DataType
		v  any
	}{
		{arrow.FixedWidthTypes.Boolean, false},
		{arrow.PrimitiveTypes.Int16, int16(-300)},
		{arrow.PrimitiveTypes.Uint32, uint32(4e9)},
		{arrow.PrimitiveTypes.Float64, math.Inf(1)},
		{arrow.PrimitiveTypes.Float64, math.Copysign(0, -1)},
		{arrow.PrimitiveTypes.Float64, 1.7976931348623157e308},
		{arrow.BinaryTypes.LargeString, "x"},
		{arrow.BinaryTypes.Binary, []byte{}},
		{arrow.FixedWidthTypes.Date64, int64(86400000)},
	}
	for _, c := range cases {
		e := mustLit(t, c.dt, c.v)
		got, err := LiteralValue(e)
		if err != nil {
			t.Fatalf("%s %v: %v", c.dt, c.v, err)
		}
		switch w := c.v.(type) {
		case float64:
			g := got.(float64)
			if math.Float64bits(g) != math.Float64bits(w) {
				t.Fatalf("%v: got %v", w, g)
			}
		case []byte:
			if !bytes.Equal(got.([]byte), w) {
				t.Fatalf("%v: got %v", w, got)
			}
		default:
			if got != c.v {
				t.Fatalf("%T %v: got %T %v", c.v, c.v, got, got)
			}
		}
	}
}

func TestLiteralErrors(t *testing.T) {
	cases := []struct {
		dt   arrow.DataType
		v    any
		want string
	}{
		{arrow.PrimitiveTypes.Int64, int32(1), "must hold a Go int64, got int32"},
		{arrow.BinaryTypes.String, "\xff", "not valid UTF-8"},
		{arrow.ListOf(arrow.PrimitiveTypes.Int64), nil, "only leaf types"},
		{arrow.BinaryTypes.String, 3, "must hold a Go string"},
	}
	for _, c := range cases {
		_, err := Lit(c.dt, c.v)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Fatalf("Lit(%s, %v) = %v, want error containing %q", c.dt, c.v, err, c.want)
		}
	}
}

func TestUnmarshalErrors(t *testing.T) {
	base := `"sources":[{"kind":"memory","options":{},"schema":{"fields":[{"name":"a","type":"int64"}]}}]`
	cases := []struct{ name, in, want string }{
		{"not json", `{`, "plan: not a plan"},
		{"no version", `{"name":"x"}`, `no "version" field`},
		{"future version", `{"version":2}`, "unsupported plan version 2 (this build reads version 1)"},
		{"unknown node", `{"version":1,` + base + `,"root":{"kind":"sort","input":{"kind":"source"}}}`, `unknown node kind "sort" at root`},
		{"unknown op", `{"version":1,` + base + `,"root":{"kind":"project","exprs":[{"op":"frobnicate"}],"input":{"kind":"source"}}}`, `unknown expression op "frobnicate" at root (project expr 0)`},
		{"arity", `{"version":1,` + base + `,"root":{"kind":"filter","cond":{"op":"not"},"input":{"kind":"source"}}}`, "not at root (filter expr 0) takes 1 arguments, got 0"},
		{"bad literal", `{"version":1,` + base + `,"root":{"kind":"filter","cond":{"op":"lit","type":"int8","value":300},"input":{"kind":"source"}}}`, "literal 300 is not a valid int8"},
		{"bad type", `{"version":1,` + base + `,"root":{"kind":"project","exprs":[{"op":"cast","type":"decimal","args":[{"op":"col","name":"a"}]}],"input":{"kind":"source"}}}`, `unknown type "decimal"`},
		{"source index", `{"version":1,` + base + `,"root":{"kind":"source","source":3}}`, "source index 3 out of range (the plan has 1 sources)"},
		{"unknown field", `{"version":1,"bogus":1}`, `unknown field "bogus"`},
		{"no root", `{"version":1,` + base + `}`, "no root node"},
		{"missing input", `{"version":1,` + base + `,"root":{"kind":"filter","cond":{"op":"col","name":"a"}}}`, "missing node at root.input"},
		{"trigger", `{"version":1,` + base + `,"root":{"kind":"source"},"trigger":{"kind":"sometimes"}}`, `unknown trigger kind "sometimes"`},
		{"duration", `{"version":1,` + base + `,"root":{"kind":"source"},"trigger":{"kind":"processingTime","interval":5}}`, `duration must be a string`},
		{"mode", `{"version":1,` + base + `,"root":{"kind":"source"},"outputMode":"sideways"}`, `unknown output mode "sideways"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Unmarshal([]byte(c.in))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want error containing %q", err, c.want)
			}
		})
	}
}

func TestDeepNestingIsRefused(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"version":1,"sources":[{"kind":"m","options":{},"schema":{"fields":[]}}],"root":{"kind":"filter","cond":`)
	for i := 0; i < 600; i++ {
		b.WriteString(`{"op":"not","args":[`)
	}
	b.WriteString(`{"op":"col","name":"a"}`)
	for i := 0; i < 600; i++ {
		b.WriteString(`]}`)
	}
	b.WriteString(`,"input":{"kind":"source"}}}`)
	_, err := Unmarshal([]byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "nested deeper than 500") {
		t.Fatalf("got %v", err)
	}
}

func TestUDFs(t *testing.T) {
	q := goldenPlans(t)["union_literals"]
	q.Root.Input.Exprs = append(q.Root.Input.Exprs, &Expr{Op: OpUDF, Name: "alpha"}, &Expr{Op: OpUDF, Name: "geohash"})
	got := strings.Join(UDFs(q), ",")
	if got != "alpha,geohash" {
		t.Fatalf("UDFs = %s", got)
	}
}

func TestTypeNames(t *testing.T) {
	for _, name := range []string{"int64", "timestamp[us, UTC]", "timestamp[ns]", "timestamp[s, Europe/Paris]", "large_binary"} {
		dt, err := ParseTypeName(name)
		if err != nil {
			t.Fatal(err)
		}
		back, err := TypeName(dt)
		if err != nil || back != name {
			t.Fatalf("%s -> %s -> %s, %v", name, dt, back, err)
		}
	}
	if _, err := TypeName(arrow.FixedWidthTypes.Float16); err == nil {
		t.Fatal("float16 should not be a plan type")
	}
}
