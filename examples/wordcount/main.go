// Command wordcount is a stateless spate job: each Kafka record's value is
// lower-cased and split into words, one output row per word, written to
// Parquet with the record's offset (the counting itself is a query over the
// files, e.g. DuckDB's `select word, count(*) from 'out/words/**/*.parquet'
// group by word`).
//
//	seq 1 3 | xargs -I{} echo "the quick brown fox {}" | spate produce lines
//	go run ./examples/wordcount run --brokers 127.0.0.1:9092 --topic lines --out out/words --trigger available-now
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
	brokers = flag.String("brokers", "127.0.0.1:9092", "Kafka bootstrap servers, comma-separated")
	topic   = flag.String("topic", "lines", "topic of text lines")
	out     = flag.String("out", "out/words", "output folder of the Parquet files")
	name    = flag.String("name", "wordcount", "query name (the consumer group is spate-<name>)")
)

func main() {
	engine.Main(func() *engine.StreamWriter {
		src := kafka.Subscribe(*topic).Brokers(strings.Split(*brokers, ",")...).StartingOffsets(kafka.Earliest)
		c := engine.Col
		return engine.NewSession(*name).
			ReadStream(src).
			Select(c("partition"), c("offset"),
				engine.Split(engine.Lower(c("value").Cast(arrow.BinaryTypes.String)), `[^\p{L}\p{N}']+`).As("words")).
			Explode(c("words"), "word").
			Filter(engine.Length(c("word")).Gt(0)).
			Select(c("word"), c("partition"), c("offset")).
			WriteStream(parquet.Sink(*out)).
			Checkpoint(filepath.Join(*out, "_checkpoint"))
	})
}
