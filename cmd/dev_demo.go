package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/spate-io/spate/driver"
	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/engine/plan"
	"github.com/spate-io/spate/internal/clickgen"
	"github.com/spate-io/spate/sink/parquet"
	"github.com/spate-io/spate/source/kafka"
)

// DevDemo builds the query `spate dev --demo` submits, reading the topic
// clicks at brokers (a comma-separated bootstrap list) and writing under
// dataDir. The default is the clickstream job of examples/clickstream; a
// custom build may replace it from an init function to demo its own job.
var DevDemo = clickstreamDemo

// devDemoTopic is the topic the demo generator writes.
const devDemoTopic = "clicks"

// devDemo is the running demo: the event generator and the query.
type devDemo struct {
	brokers, driver, name, out string
	gen                        *clickgen.Producer
	stopGen                    context.CancelFunc
	genDone                    chan error
	progressDone               chan struct{}
}

// startDevDemo creates the topic, starts the generator, submits the demo
// query and prints its progress every two seconds.
func startDevDemo(ctx context.Context, out io.Writer, brokers string, replicas int16, df devFlags, data string) (*devDemo, error) {
	if err := ensureTopic(ctx, brokers, devDemoTopic, 4, replicas); err != nil {
		return nil, err
	}
	gen, err := clickgen.New(clickgen.Config{Brokers: strings.Split(brokers, ","), Topic: devDemoTopic, Rate: df.rate, Malformed: 0.01})
	if err != nil {
		return nil, err
	}
	q, err := DevDemo(brokers, data)
	if err != nil {
		return nil, fmt.Errorf("dev: building the demo query: %w", err)
	}
	planJSON, err := plan.Marshal(q)
	if err != nil {
		return nil, err
	}
	// The generator stops when the demo finishes, not with ctx, so the
	// query can catch up with the last events before the lag is shown.
	genCtx, stopGen := context.WithCancel(context.WithoutCancel(ctx))
	d := &devDemo{brokers: brokers, driver: df.driver, name: q.Name, out: sinkPath(q), gen: gen, stopGen: stopGen,
		genDone: make(chan error, 1), progressDone: make(chan struct{})}
	go func() { d.genDone <- gen.Run(genCtx) }()
	resp, err := driver.NewClient(df.driver).Submit(ctx, planJSON)
	if err != nil {
		return nil, fmt.Errorf("dev: submitting the demo query: %w", err)
	}
	fmt.Fprintf(out, "[demo] producing %d click events/s to %s; query %s (id %s) writes Parquet to %s\n", df.rate, devDemoTopic, resp.Name, resp.ID, d.out)
	go d.printProgress(ctx, out)
	return d, nil
}

func (d *devDemo) printProgress(ctx context.Context, out io.Writer) {
	defer close(d.progressDone)
	c := driver.NewClient(d.driver)
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	last := int64(-1)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		st, err := c.Status(ctx, d.name)
		switch {
		case err != nil:
			fmt.Fprintf(out, "[demo] status: %v\n", err)
		case st.BatchID == last:
			fmt.Fprintf(out, "[demo] %s: %s\n", st.State, oneLine(st.Message))
		default:
			last = st.BatchID
			behind := "-"
			if len(st.Sources) > 0 && st.Sources[0].Metrics != nil {
				behind = st.Sources[0].Metrics["maxOffsetsBehindLatest"]
			}
			fmt.Fprintf(out, "[demo] batch %d: %d rows, %.0f rows/s, max %s offsets behind; %d events produced\n",
				st.BatchID, st.NumInputRows, st.ProcessedRowsPerSecond, behind, d.gen.Acked())
		}
	}
}

// finish stops the generator, gives the query up to 15 seconds to read
// the last events, and prints its consumer-group lag and where the
// Parquet files are.
func (d *devDemo) finish(out io.Writer) {
	d.stopGen()
	if err := <-d.genDone; err != nil {
		fmt.Fprintf(out, "[demo] generator: %v\n", err)
	}
	<-d.progressDone
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(d.brokers, ",")...))
	if err != nil {
		return
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	adm := kadm.NewClient(cl)
	group := "spate-" + d.name
	groups, err := sampleLag(ctx, adm, []string{group}, nil)
	for err == nil && totalLag(groups) > 0 && ctx.Err() == nil {
		time.Sleep(200 * time.Millisecond)
		groups, err = sampleLag(ctx, adm, []string{group}, nil)
	}
	if err == nil {
		fmt.Fprintf(out, "\n[demo] %d events produced; the query's consumer group (spate lag --brokers %s):\n", d.gen.Acked(), d.brokers)
		_ = printLagTable(out, groups)
	}
	fmt.Fprintf(out, "\n[demo] Parquet output: %s  (e.g. duckdb -c \"select count(*) from read_parquet('%s/**/*.parquet')\")\n", d.out, d.out)
}

func totalLag(groups []lagGroup) int64 {
	var n int64
	for _, g := range groups {
		n += g.TotalLag
	}
	return n
}

// ensureTopic creates topic unless it exists.
func ensureTopic(ctx context.Context, brokers, topic string, partitions int32, replicas int16) error {
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(brokers, ",")...))
	if err != nil {
		return err
	}
	defer cl.Close()
	resp, err := kadm.NewClient(cl).CreateTopic(ctx, partitions, replicas, nil, topic)
	if err == nil {
		err = resp.Err
	}
	if err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
		return fmt.Errorf("dev: creating topic %s: %w", topic, err)
	}
	return nil
}

// sinkPath is the Parquet sink's folder of a plan, for messages.
func sinkPath(q *plan.Query) string {
	var o struct {
		Path string `json:"path"`
	}
	if q.Sink != nil && json.Unmarshal(q.Sink.Options, &o) == nil && o.Path != "" {
		return o.Path
	}
	return "(see the plan's sink)"
}

// clickstreamDemo is the query of examples/clickstream: parse the JSON
// events, drop malformed ones, write Parquet partitioned by day.
func clickstreamDemo(brokers, dataDir string) (*plan.Query, error) {
	out := filepath.Join(dataDir, "out", "clicks")
	col := engine.Col
	return engine.NewSession("clickstream").
		ReadStream(kafka.Subscribe(devDemoTopic).Brokers(strings.Split(brokers, ",")...).StartingOffsets(kafka.Earliest)).
		Select(engine.FromJSON(col("value"), clickgen.Schema, map[string]string{"mode": "DROPMALFORMED"}).As("click"),
			col("partition"), col("offset")).
		Select(col("click.*"), col("partition"), col("offset")).
		Filter(col("user_id").IsNotNull().And(col("ts").IsNotNull())).
		WithColumn("date", engine.ToDate(col("ts"))).
		WithColumn("page_section", engine.RegexpExtract(col("page"), `^/([a-z]+)`, 1)).
		WriteStream(parquet.Sink(out).PartitionBy("date").Dictionary("action", "country", "device", "page_section")).
		Checkpoint(filepath.Join(dataDir, "checkpoints", "clickstream")).
		Trigger(engine.ProcessingTime(time.Second)).
		Plan()
}
