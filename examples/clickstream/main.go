// Command clickstream is spate's demo job: JSON click events from Kafka are
// parsed, malformed ones dropped and counted, the rest projected and
// written to Parquet partitioned by day.
//
//	go run ./examples/clickstream run --brokers 127.0.0.1:9092 --topic clicks --out out/clicks
//
// The events are the ones internal/clickgen (and `spate dev`) produce:
//
//	{"user_id":4211,"session":"s-4211-7","page":"/products/42","action":"click",
//	 "ts":"2026-11-25T10:11:12.123Z","duration_ms":532,"price":19.99,"country":"DE","device":"mobile"}
package main

import (
	"flag"
	"path/filepath"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/sink/parquet"
	"github.com/spate-io/spate/source/kafka"
)

var (
	brokers    = flag.String("brokers", "127.0.0.1:9092", "Kafka bootstrap servers, comma-separated")
	topic      = flag.String("topic", "clicks", "topic of JSON click events")
	out        = flag.String("out", "out/clicks", "output folder of the Parquet files")
	maxOffsets = flag.Int64("max-offsets-per-trigger", 0, "cap on the offsets of one batch (0: none)")
	name       = flag.String("name", "clickstream", "query name (the consumer group is spate-<name>)")
)

// clickSchema is the shape of a click event.
var clickSchema = arrow.NewSchema([]arrow.Field{
	{Name: "user_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "session", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "page", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "action", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, Nullable: true},
	{Name: "duration_ms", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "price", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "country", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "device", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

func main() {
	engine.Main(func() *engine.StreamWriter {
		src := kafka.Subscribe(*topic).
			Brokers(strings.Split(*brokers, ",")...).
			StartingOffsets(kafka.Earliest).
			MaxOffsetsPerTrigger(*maxOffsets)
		c := engine.Col
		return engine.NewSession(*name).
			ReadStream(src).
			Select(engine.FromJSON(c("value"), clickSchema, map[string]string{"mode": "DROPMALFORMED"}).As("click"),
				c("partition"), c("offset")).
			Select(c("click.*"), c("partition"), c("offset")).
			Filter(c("user_id").IsNotNull().And(c("ts").IsNotNull())).
			WithColumn("date", engine.ToDate(c("ts"))).
			WithColumn("page_section", engine.RegexpExtract(c("page"), `^/([a-z]+)`, 1)).
			WriteStream(parquet.Sink(*out).PartitionBy("date").Dictionary("action", "country", "device", "page_section")).
			Checkpoint(filepath.Join(*out, "_checkpoint"))
	})
}
