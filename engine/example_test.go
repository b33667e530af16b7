package engine_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/engine/batch"
	"github.com/spate-io/spate/engine/plan"
	"github.com/spate-io/spate/sink/console"
	msrc "github.com/spate-io/spate/source/memory"
)

// A static DataFrame: select, filter and show, as in Spark.
func Example_select() {
	people := arrow.NewSchema([]arrow.Field{
		{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "age", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	}, nil)
	src := msrc.NewSource("example-people", people, 1)
	defer src.Release()
	_ = src.AddJSON(0, `{"name":"ada","age":36}`, `{"name":"alan","age":41}`, `{"name":"grace","age":null}`)

	df := engine.NewSession("people").Read(src).
		Filter(engine.Col("age").IsNotNull()).
		Select(engine.Upper(engine.Col("name")).As("name"), engine.Col("age").Add(1).As("next_age"))
	out, err := df.Show(context.Background(), engine.ShowOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(out)
	// Output:
	// +----+--------+
	// |name|next_age|
	// +----+--------+
	// | ADA|      37|
	// |ALAN|      42|
	// +----+--------+
}

// Analysis errors name the column, suggest the closest one and list
// what exists; every later step keeps the first error.
func Example_analysisError() {
	src := msrc.NewKafkaSource("example-errors", 1)
	defer src.Release()
	clicks := arrow.NewSchema([]arrow.Field{
		{Name: "user_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "page", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "ts", Type: arrow.FixedWidthTypes.Timestamp_us, Nullable: true},
	}, nil)
	df := engine.NewSession("clicks").ReadStream(src).
		Select(engine.FromJSON(engine.Col("value"), clicks, nil).As("c")).
		Select(engine.Col("c.*")).
		Select(engine.Col("usr_id")).
		Filter(engine.Col("page").Eq("/"))
	fmt.Println(df.Err())
	fmt.Println(engine.NewSession("x").ReadStream(src).Filter(engine.Col("topic").Add(1)).Err())
	// Output:
	// engine: unknown column "usr_id" in Select (did you mean "user_id"? columns: user_id, page, ts)
	// engine: "+" needs numbers in Filter, got topic (string) and 1 (int64); cast with Cast
}

// A streaming query's plan is data: it marshals to versioned JSON, and
// Compile turns it into the per-task pipeline that executors run. Here one
// task of one batch runs by hand, the way the streaming loop runs it.
func Example_compile() {
	src := msrc.NewKafkaSource("example-compile", 1)
	defer src.Release()
	_ = src.AddValues(0,
		[]byte(`{"user_id": 1, "page": "/shop/hats"}`),
		[]byte(`{"user_id": 2, "page": "/home"}`),
		[]byte(`{"user_id": "bad"}`),
	)
	clicks := arrow.NewSchema([]arrow.Field{
		{Name: "user_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "page", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	q, err := engine.NewSession("shop").ReadStream(src).
		Select(engine.FromJSON(engine.Col("value"), clicks, map[string]string{"mode": "DROPMALFORMED"}).As("c"), engine.Col("offset")).
		Select(engine.Col("c.*"), engine.Col("offset")).
		Filter(engine.Col("page").Like("/shop/%")).
		WriteStream(console.New(console.Options{})).
		Trigger(engine.ProcessingTime(10 * time.Second)).
		Plan()
	if err != nil {
		fmt.Println(err)
		return
	}
	b, _ := plan.Marshal(q)
	fmt.Println(strings.Contains(string(b), `"version": 1`), len(plan.UDFs(q)))

	ctx := context.Background()
	pipe, err := engine.Compile(q, engine.ExecEnv{Timestamp: 1_700_000_000_000, Source: 0})
	if err != nil {
		fmt.Println(err)
		return
	}
	rd, _ := src.OpenReader(ctx)
	defer rd.Close()
	err = rd.ReadRange(ctx, batch.Range{Topic: "example-compile", Partition: 0, From: 0, Until: 3}, func(rec arrow.RecordBatch) error {
		defer rec.Release()
		return pipe.Process(ctx, rec, func(out arrow.RecordBatch) error {
			for i := 0; i < int(out.NumRows()); i++ {
				fmt.Println(out.Column(0).(*array.Int64).Value(i), out.Column(1).(*array.String).Value(i), out.Column(2).(*array.Int64).Value(i))
			}
			return nil
		})
	})
	c := pipe.Counters()
	fmt.Println(err, c.RowsIn, c.RowsOut, c.DroppedMalformed, c.Filtered)
	// Output:
	// true 0
	// 1 /shop/hats 0
	// <nil> 3 1 1 1
}

// Go functions become UDFs callable by name from plans.
func Example_registerUDF() {
	engine.RegisterUDF1("example_initial", func(s string) string {
		if s == "" {
			return ""
		}
		return strings.ToUpper(s[:1])
	})
	people := arrow.NewSchema([]arrow.Field{{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true}}, nil)
	src := msrc.NewSource("example-udf", people, 1)
	defer src.Release()
	_ = src.AddJSON(0, `{"name":"ada"}`, `{"name":null}`)
	out, err := engine.NewSession("udf").Read(src).
		Select(engine.Col("name"), engine.CallUDF("example_initial", engine.Col("name")).As("initial")).
		Show(context.Background(), engine.ShowOptions{})
	fmt.Print(out, err)
	// Output:
	// +----+-------+
	// |name|initial|
	// +----+-------+
	// | ada|      A|
	// |null|   null|
	// +----+-------+
	// <nil>
}
