package engine_test

import (
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/engine/plan"
	msink "github.com/spate-io/spate/sink/memory"
	msrc "github.com/spate-io/spate/source/memory"
)

var (
	tsUS      = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	tsMS      = &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}
	int64T    = arrow.PrimitiveTypes.Int64
	stringT   = arrow.BinaryTypes.String
	goldenCol = engine.Col
)

func field(name string, dt arrow.DataType) arrow.Field {
	return arrow.Field{Name: name, Type: dt, Nullable: true}
}

// goldenJobs builds the jobs of testdata/jobs with the DSL.
func goldenJobs() map[string]func() (*plan.Query, error) {
	col := goldenCol
	clickFields := []arrow.Field{
		field("user_id", int64T), field("page", stringT), field("ts", tsUS),
		field("tags", arrow.ListOf(stringT)), field("score", arrow.PrimitiveTypes.Float64),
		field("_corrupt_record", stringT),
	}
	clicks := arrow.NewSchema(clickFields, nil)
	kafkaJob := func(name string) engine.DataFrame {
		return engine.NewSession(name).ReadStream(msrc.NewKafkaSource(name+"-in", 1))
	}
	rows := arrow.NewSchema([]arrow.Field{
		field("id", arrow.PrimitiveTypes.Int32), field("name", stringT), field("amount", arrow.PrimitiveTypes.Float64),
		field("ts", tsMS), field("flag", arrow.FixedWidthTypes.Boolean),
	}, nil)
	rowJob := func(name string) engine.DataFrame {
		return engine.NewSession(name).ReadStream(msrc.NewSource(name+"-in", rows, 1))
	}
	out := func(df engine.DataFrame, name string) (*plan.Query, error) {
		return df.WriteStream(msink.NewSink(name + "-out")).Trigger(engine.AvailableNow()).Plan()
	}
	return map[string]func() (*plan.Query, error){
		"clicks_permissive": func() (*plan.Query, error) {
			df := kafkaJob("clicks_permissive").
				Select(engine.FromJSON(col("value"), clicks, map[string]string{"mode": "PERMISSIVE"}).As("c"), col("offset")).
				Select(col("c.*"), col("offset")).
				WithColumn("hour", engine.DateTrunc("hour", col("ts"))).
				WithColumn("bucket", engine.Abs(engine.XXHash64(col("user_id")).Mod(4))).
				WithColumn("h", engine.Hash(col("page"))).
				Drop("tags")
			return out(df, "clicks_permissive")
		},
		"clicks_dropmalformed": func() (*plan.Query, error) {
			df := kafkaJob("clicks_dropmalformed").
				Select(engine.FromJSON(col("value"), arrow.NewSchema(clickFields[:4], nil), map[string]string{"mode": "DROPMALFORMED"}).As("c"), col("partition"), col("offset")).
				Where(col("c.page").Like("/shop/%")).
				Select(col("c.user_id"), engine.Upper(engine.RegexpExtract(col("c.page"), `^/shop/(\w+)`, 1)).As("item"), col("c.ts"), col("partition"), col("offset")).
				WithWatermark("ts", time.Minute)
			return out(df, "clicks_dropmalformed")
		},
		"explode_tags": func() (*plan.Query, error) {
			df := kafkaJob("explode_tags").
				Select(engine.FromJSON(col("value"), clicks, nil).As("c"), col("offset")).
				ExplodeOuter(col("c.tags"), "tag").
				Select(col("offset"), col("c.user_id"), col("tag"), engine.Length(col("tag")).As("len"), engine.Size(col("c.tags")).As("n"))
			return out(df, "explode_tags")
		},
		"row_functions": func() (*plan.Query, error) {
			df := rowJob("row_functions").Select(
				col("id"),
				engine.Concat(engine.Upper(engine.Trim(col("name"))), "#", col("id")).As("tag"),
				engine.ConcatWS("/", col("name"), col("id")).As("path"),
				engine.Substring(col("name"), 2, 3).As("sub"),
				engine.Split(col("name"), `\s+`).As("words"),
				engine.RegexpReplace(col("name"), `[aeiou]`, "*").As("masked"),
				col("amount").Cast(arrow.PrimitiveTypes.Int32).As("amount_int"),
				col("amount").Cast(stringT).As("amount_str"),
				col("amount").Div(col("id")).As("ratio"),
				col("id").Mod(0).As("mod0"),
				col("amount").IsNaN().As("nan"),
				engine.When(col("amount").Gt(100), "big").When(col("amount").Gt(0), "small").Otherwise("none").As("size"),
				engine.Coalesce(col("name"), col("flag").Cast(stringT), "?").As("first"),
				col("id").In(1, 3, nil).As("in13"),
				col("amount").Between(0, 100).As("between"),
				engine.Year(col("ts")).As("y"), engine.Month(col("ts")).As("mo"), engine.DayOfMonth(col("ts")).As("d"),
				engine.Hour(col("ts")).As("h"), engine.Minute(col("ts")).As("mi"), engine.Second(col("ts")).As("s"),
				engine.DayOfWeek(col("ts")).As("dow"),
				engine.UnixTimestamp(col("ts")).As("unix"),
				engine.FromUnixTime(engine.UnixTimestamp(col("ts")), "dd/MM/yyyy HH:mm").As("fmt"),
				col("ts").Cast(stringT).As("ts_str"),
				engine.SHA256(col("name")).As("sha"),
				engine.CurrentTimestamp().As("now"),
			)
			return out(df, "row_functions")
		},
		"union_two_sources": func() (*plan.Query, error) {
			a := rowJob("union_a").Select(col("id"), col("name"))
			b := engine.NewSession("union_two_sources").ReadStream(msrc.NewSource("union_b-in", rows, 1)).
				Select(col("id").Cast(int64T).Add(1000), engine.Lower(col("name")))
			df := a.Union(b).Filter(col("name").IsNotNull())
			return out(df, "union_two_sources")
		},
	}
}
