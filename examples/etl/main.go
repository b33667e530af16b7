// Command etl is a spate job that copies a Kafka topic to Parquet as it is:
// one row per record with its topic, partition, offset, timestamp, key and
// value. It is the passthrough every pipeline starts from, and the
// benchmark of the engine's overhead.
//
//	go run ./examples/etl run --brokers 127.0.0.1:9092 --topic events --out out/etl --checkpoint ckpt/etl
//	go run ./examples/etl run ... --trigger available-now   # catch up, then stop
//	go run ./examples/etl plan ...                           # print the plan JSON
//	go run ./examples/etl submit --driver 127.0.0.1:7077 ... # run it on a driver
package main

import (
	"flag"
	"path/filepath"
	"strings"

	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/sink/parquet"
	"github.com/spate-io/spate/source/kafka"
)

var (
	brokers    = flag.String("brokers", "127.0.0.1:9092", "Kafka bootstrap servers, comma-separated")
	topic      = flag.String("topic", "events", "topic to copy")
	out        = flag.String("out", "out/etl", "output folder of the Parquet files")
	maxOffsets = flag.Int64("max-offsets-per-trigger", 0, "cap on the offsets of one batch (0: none)")
	name       = flag.String("name", "etl", "query name (the consumer group is spate-<name>)")
)

func main() {
	engine.Main(func() *engine.StreamWriter {
		src := kafka.Subscribe(*topic).
			Brokers(strings.Split(*brokers, ",")...).
			StartingOffsets(kafka.Earliest).
			MaxOffsetsPerTrigger(*maxOffsets)
		return engine.NewSession(*name).
			ReadStream(src).
			Select(engine.Col("topic"), engine.Col("partition"), engine.Col("offset"),
				engine.Col("timestamp"), engine.Col("key"), engine.Col("value")).
			WriteStream(parquet.Sink(*out).Dictionary("topic")).
			Checkpoint(filepath.Join(*out, "_checkpoint"))
	})
}
