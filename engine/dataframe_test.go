package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/spate-io/spate/engine"
	msink "github.com/spate-io/spate/sink/memory"
	msrc "github.com/spate-io/spate/source/memory"
)

var clickSchema = arrow.NewSchema([]arrow.Field{
	{Name: "user_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "page", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, Nullable: true},
}, nil)

func clicks(t *testing.T, name string) (*msrc.Source, engine.DataFrame) {
	src := msrc.NewKafkaSource(name, 2)
	t.Cleanup(src.Release)
	df := engine.NewSession("t").ReadStream(src).
		Select(engine.FromJSON(engine.Col("value"), clickSchema, nil).As("c"), engine.Col("offset")).
		Select(engine.Col("c.*"), engine.Col("offset"))
	return src, df
}

func TestAnalysisErrorNamesColumnAndSuggests(t *testing.T) {
	_, df := clicks(t, "analysis")
	got := df.Select(engine.Col("usr_id")).Filter(engine.Col("page").Eq("/")).Err()
	want := `engine: unknown column "usr_id" in Select (did you mean "user_id"? columns: user_id, page, ts, offset)`
	if got == nil || got.Error() != want {
		t.Fatalf("got  %v\nwant %s", got, want)
	}
}

func TestErrorsAreKeptAndNeverPanic(t *testing.T) {
	_, df := clicks(t, "errs")
	cases := map[string]engine.DataFrame{
		"type":          df.Filter(engine.Col("page").Add(1)),
		"not boolean":   df.Filter(engine.Col("user_id")),
		"bad literal":   df.Select(engine.Lit(struct{}{})),
		"empty column":  df.Select(engine.Column{}),
		"no columns":    df.Select(),
		"explode":       df.Explode(engine.Col("page"), "p"),
		"watermark":     df.WithWatermark("page", time.Second),
		"union arity":   df.Union(df.Select(engine.Col("page"))),
		"otherwise":     df.Select(engine.Col("page").Otherwise(1)),
		"unknown udf":   df.Select(engine.CallUDF("nope", engine.Col("page"))),
		"drop all":      df.Drop("user_id", "page", "ts", "offset"),
		"empty df":      engine.DataFrame{}.Select(engine.Col("a")),
		"nil source":    engine.NewSession("t").ReadStream(nil),
		"bad from_json": df.Select(engine.FromJSON(engine.Col("page"), nil, nil)),
	}
	for name, d := range cases {
		if d.Err() == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if !strings.HasPrefix(d.Err().Error(), "engine: ") {
			t.Errorf("%s: error without the package prefix: %v", name, d.Err())
		}
		// Later calls keep the first error.
		if again := d.Select(engine.Col("x")).Filter(engine.Col("y")).Err(); again == nil || again.Error() != d.Err().Error() {
			t.Errorf("%s: later call replaced the error: %v", name, again)
		}
	}
}

func TestTransformationsAndSchema(t *testing.T) {
	_, df := clicks(t, "transform")
	out := df.WithColumn("page", engine.Upper(engine.Col("page"))).
		WithColumn("bucket", engine.Col("user_id").Mod(10)).
		WithColumnRenamed("offset", "off").
		Drop("ts").
		Where(engine.Col("page").IsNotNull())
	if err := out.Err(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(out.Columns(), ","); got != "user_id,page,off,bucket" {
		t.Fatalf("columns %s", got)
	}
	if dt := out.Schema().Field(3).Type; dt.ID() != arrow.INT64 {
		t.Fatalf("bucket is %s", dt)
	}
	// Unchanged receivers: immutability.
	if got := strings.Join(df.Columns(), ","); got != "user_id,page,ts,offset" {
		t.Fatalf("the receiver changed: %s", got)
	}
}

func TestWriteStreamPlan(t *testing.T) {
	_, df := clicks(t, "plan")
	sink := msink.NewSink("plan-out")
	w := df.WithWatermark("ts", 30*time.Second).WriteStream(sink).
		Checkpoint("ckpt").Trigger(engine.ProcessingTime(5*time.Second)).QueryName("clicks").Option("k", "v")
	q, err := w.Plan()
	if err != nil {
		t.Fatal(err)
	}
	if q.Name != "clicks" || q.Sink.Kind != "memory" || q.Trigger.Interval.String() != "5s" || q.Checkpoint != "ckpt" || q.Options["k"] != "v" {
		t.Fatalf("plan fields: %+v", q)
	}
	if _, err := df.WriteStream(sink).OutputMode(engine.Complete).Plan(); err == nil || !strings.Contains(err.Error(), "needs an aggregation") {
		t.Fatalf("complete mode: %v", err)
	}
	static := engine.NewSession("s").Read(msrc.NewSource("static-plan", clickSchema, 1))
	if _, err := static.WriteStream(sink).Plan(); err == nil || !strings.Contains(err.Error(), "needs a streaming DataFrame") {
		t.Fatalf("static write: %v", err)
	}
}

func TestFromJSONModesThroughOneBatch(t *testing.T) {
	values := [][]byte{
		[]byte(`{"user_id": 1, "page": "/a", "ts": "2024-05-17T13:45:12Z"}`),
		[]byte(`{"user_id": "x", "page": "/b"}`),
		[]byte(`not json`),
		nil,
	}
	cases := []struct {
		mode      string
		rows      int64
		dropped   int64
		malformed int64
		err       string
	}{
		{"PERMISSIVE", 4, 0, 2, ""},
		{"DROPMALFORMED", 2, 2, 2, ""},
		{"FAILFAST", 0, 0, 0, "malformed record at fj-FAILFAST-0 offset 1, field user_id"},
	}
	for _, c := range cases {
		t.Run(c.mode, func(t *testing.T) {
			mem := checkedAlloc(t)
			src := msrc.NewKafkaSource("fj-"+c.mode, 1)
			defer src.Release()
			if err := src.AddValues(0, values...); err != nil {
				t.Fatal(err)
			}
			sink := msink.NewSink("fj-out-" + c.mode)
			q, err := engine.NewSession("fj").ReadStream(src).
				Select(engine.FromJSON(engine.Col("value"), clickSchema, map[string]string{"mode": c.mode}).As("c")).
				Select(engine.Col("c.*")).
				WriteStream(sink).Plan()
			if err != nil {
				t.Fatal(err)
			}
			n, err := runOneBatch(t, q, 0, mem)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("got %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if sink.Rows() != c.rows || n.DroppedMalformed != c.dropped || n.Malformed != c.malformed {
				t.Fatalf("rows %d dropped %d malformed %d", sink.Rows(), n.DroppedMalformed, n.Malformed)
			}
		})
	}
}

func TestUnionExplodeAndCounters(t *testing.T) {
	mem := checkedAlloc(t)
	src := msrc.NewSource("words", arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "line", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil), 1)
	defer src.Release()
	if err := src.AddJSON(0, `{"id":1,"line":"a b"}`, `{"id":2,"line":""}`, `{"id":3,"line":null}`); err != nil {
		t.Fatal(err)
	}
	sink := msink.NewSink("words-out")
	df := engine.NewSession("w").ReadStream(src)
	words := df.Explode(engine.Split(engine.Col("line"), " "), "word").Drop("line")
	both := words.Union(words.Select(engine.Col("id").Mul(int64(100)), engine.Col("word")))
	q, err := both.WriteStream(sink).Plan()
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Sources) != 1 {
		t.Fatalf("a self-union should read its source once, got %d sources", len(q.Sources))
	}
	c, err := runOneBatch(t, q, 7, mem)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := sink.JSONRows()
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(rows, "\n")
	want := strings.Join([]string{
		`{"id":1,"word":"a"}`, `{"id":1,"word":"b"}`, `{"id":2,"word":""}`,
		`{"id":100,"word":"a"}`, `{"id":100,"word":"b"}`, `{"id":200,"word":""}`,
	}, "\n")
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	if c.RowsIn != 3 || c.RowsOut != 6 {
		t.Fatalf("counters %+v", c)
	}
	if both.Schema().Field(0).Type.ID() != arrow.INT64 {
		t.Fatalf("union did not widen id: %s", both.Schema())
	}
}

func TestCollectStatic(t *testing.T) {
	mem := checkedAlloc(t)
	src := msrc.NewSource("static", clickSchema, 2)
	defer src.Release()
	_ = src.AddJSON(0, `{"user_id":1,"page":"/a","ts":"2024-05-17T13:45:12Z"}`)
	_ = src.AddJSON(1, `{"user_id":2,"page":"/b","ts":null}`, `{"user_id":3,"page":null,"ts":null}`)
	df := engine.NewSession("s", engine.WithAllocator(mem)).Read(src).
		Filter(engine.Col("page").IsNotNull()).
		Select(engine.Col("user_id"), engine.Hour(engine.Col("ts")).As("h"))
	tbl, err := df.Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	if tbl.NumRows() != 2 || tbl.NumCols() != 2 {
		t.Fatalf("table %dx%d", tbl.NumRows(), tbl.NumCols())
	}
	show, err := df.Show(context.Background(), engine.ShowOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := "+-------+----+\n|user_id|   h|\n+-------+----+\n|      1|  13|\n|      2|null|\n+-------+----+\n"
	if show != want {
		t.Fatalf("show:\n%s", show)
	}
}

func TestUDF(t *testing.T) {
	engine.RegisterUDF1("test_double_len", func(s string) int64 { return int64(2 * len(s)) })
	engine.RegisterUDF("test_fail", func(v int64) (int64, error) {
		if v > 1 {
			return 0, errors.New("too big")
		}
		return v, nil
	})
	mem := checkedAlloc(t)
	src := msrc.NewSource("udf", clickSchema, 1)
	defer src.Release()
	_ = src.AddJSON(0, `{"user_id":1,"page":"/abc"}`, `{"user_id":2,"page":null}`)
	sink := msink.NewSink("udf-out")
	df := engine.NewSession("u").ReadStream(src)
	q, err := df.Select(engine.CallUDF("test_double_len", engine.Col("page")).As("n")).WriteStream(sink).Plan()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := runOneBatch(t, q, 0, mem); err != nil {
		t.Fatal(err)
	}
	rows, _ := sink.JSONRows()
	if got := strings.Join(rows, " "); got != `{"n":8} {"n":null}` {
		t.Fatalf("rows %s", got)
	}
	q2, err := df.Select(engine.CallUDF("test_fail", engine.Col("user_id"))).WriteStream(sink).Plan()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := runOneBatch(t, q2, 1, mem); err == nil || !strings.Contains(err.Error(), "UDF test_fail: row 1: too big") {
		t.Fatalf("got %v", err)
	}
	if bad := df.Select(engine.CallUDF("test_double_len", engine.Col("ts"))).Err(); bad == nil || !strings.Contains(bad.Error(), "argument 1 must be string") {
		t.Fatalf("got %v", bad)
	}
}

func TestAmbiguousAndCaseInsensitiveNames(t *testing.T) {
	_, df := clicks(t, "names")
	if err := df.Select(engine.Col("USER_ID"), engine.Col("Page")).Err(); err != nil {
		t.Fatalf("case-insensitive match refused: %v", err)
	}
	dup := df.Select(engine.Col("page"), engine.Col("user_id").As("page"))
	if err := dup.Err(); err != nil {
		t.Fatalf("duplicate output names are allowed, as in Spark: %v", err)
	}
	err := dup.Select(engine.Col("page")).Err()
	if err == nil || !strings.Contains(err.Error(), `ambiguous column "page" in Select: 2 columns match it`) {
		t.Fatalf("got %v", err)
	}
	mixed := df.Select(engine.Col("page"), engine.Col("user_id").As("PAGE"))
	if err := mixed.Select(engine.Col("Page")).Err(); err == nil || !strings.Contains(err.Error(), "ambiguous") {
		t.Fatalf("got %v", err)
	}
	if err := mixed.Select(engine.Col("PAGE")).Err(); err != nil {
		t.Fatalf("an exact match wins over case-insensitive ones: %v", err)
	}
}
