package e2e

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/internal/clickgen"
	"github.com/spate-io/spate/sink/parquet"
	"github.com/spate-io/spate/source/kafka"
)

const benchRecords = 1_000_000

// BenchmarkEndToEnd measures Kafka -> Parquet throughput: the etl and
// clickstream jobs run by the engine (local mode, trigger available-now)
// and, in the same run, a bare loop that reads the same ranges with kgo
// and writes the same Parquet with pqarrow and no engine. The broker runs
// in its own process; records/cpu-s counts this process's CPU only.
func BenchmarkEndToEnd(b *testing.B) {
	bb := sharedBenchBroker(b)
	bb.loadClicks(b, "bench-clicks", benchRecords)
	b.Run("etl-engine", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			measure(b, benchRecords, func() { runAvailableNow(b, etlQuery(b, bb.addr, b.TempDir())) })
		}
	})
	b.Run("etl-bare", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			measure(b, benchRecords, func() { bareETL(b, bb.addr, "bench-clicks", b.TempDir()) })
		}
	})
	b.Run("clickstream-engine", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			measure(b, benchRecords, func() { runAvailableNow(b, clickQuery(b, bb.addr, b.TempDir())) })
		}
	})
}

// etlQuery is examples/etl's query.
func etlQuery(b *testing.B, addr, dir string) *engine.StreamWriter {
	src := kafka.Subscribe("bench-clicks").Brokers(addr).StartingOffsets(kafka.Earliest)
	return engine.NewSession("bench-etl").ReadStream(src).
		Select(engine.Col("topic"), engine.Col("partition"), engine.Col("offset"),
			engine.Col("timestamp"), engine.Col("key"), engine.Col("value")).
		WriteStream(parquet.Sink(filepath.Join(dir, "out")).Dictionary("topic")).
		Checkpoint(filepath.Join(dir, "ckpt")).Trigger(engine.AvailableNow())
}

// clickQuery is examples/clickstream's query.
func clickQuery(b *testing.B, addr, dir string) *engine.StreamWriter {
	c := engine.Col
	src := kafka.Subscribe("bench-clicks").Brokers(addr).StartingOffsets(kafka.Earliest)
	return engine.NewSession("bench-clickstream").ReadStream(src).
		Select(engine.FromJSON(c("value"), clickgen.Schema, map[string]string{"mode": "DROPMALFORMED"}).As("click"), c("partition"), c("offset")).
		Select(c("click.*"), c("partition"), c("offset")).
		Filter(c("user_id").IsNotNull().And(c("ts").IsNotNull())).
		WithColumn("date", engine.ToDate(c("ts"))).
		WithColumn("page_section", engine.RegexpExtract(c("page"), `^/([a-z]+)`, 1)).
		WriteStream(parquet.Sink(filepath.Join(dir, "out")).PartitionBy("date").Dictionary("action", "country", "device", "page_section")).
		Checkpoint(filepath.Join(dir, "ckpt")).Trigger(engine.AvailableNow())
}

func runAvailableNow(b *testing.B, w *engine.StreamWriter) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	q, err := w.Start(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if err := q.AwaitTermination(ctx); err != nil {
		b.Fatal(err)
	}
	var rows int64
	for _, p := range q.RecentProgress() {
		rows += p.NumInputRows
	}
	if rows != benchRecords {
		b.Fatalf("query read %d rows, want %d", rows, benchRecords)
	}
}
