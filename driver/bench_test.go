package driver_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/spate-io/spate/driver"
	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/engine/plan"
	"github.com/spate-io/spate/internal/clickgen"
	"github.com/spate-io/spate/internal/testcluster"
	"github.com/spate-io/spate/internal/testutil"
	"github.com/spate-io/spate/sink/parquet"
	"github.com/spate-io/spate/source/kafka"
)

const benchRecords = 1_000_000

// BenchmarkDistributedETL measures the Kafka -> Parquet passthrough of
// examples/etl over clickstream events (about 230 bytes each), caught up
// with trigger available-now, in the same run: in this process with the
// engine's LocalRunner ("local"), and through a driver process with one
// and with two executor processes. The broker is a process of its own in
// every case, so the difference is the process boundary: task specs and
// results over HTTP, and tasks on other processes' cores.
func BenchmarkDistributedETL(b *testing.B) {
	if testing.Short() {
		b.Skip("starts processes")
	}
	c := testcluster.New(b)
	brokers := c.StartBroker()
	testcluster.CreateTopic(b, brokers, "bench", 4)
	loadClicks(b, brokers, "bench", benchRecords)
	b.Run("local", func(b *testing.B) {
		measureETL(b, func() { runLocal(b, etlPlan(b, brokers, b.TempDir())) })
	})
	c.StartDriver()
	for n := 1; n <= 2; n++ {
		c.StartExecutor(fmt.Sprintf("executor-%d", n), "--slots", "2")
		b.Run(fmt.Sprintf("executors=%d", n), func(b *testing.B) {
			measureETL(b, func() { runOnCluster(b, c, etlPlan(b, brokers, b.TempDir())) })
		})
	}
}

// measureETL runs b.N catch-up runs and reports their mean rows/s.
func measureETL(b *testing.B, run func()) {
	b.Helper()
	start := time.Now()
	for range b.N {
		run()
	}
	secs := time.Since(start).Seconds()
	b.ReportMetric(float64(b.N)*benchRecords/secs, "rows/s")
}

// etlPlan is examples/etl's query with trigger available-now.
func etlPlan(b *testing.B, brokers, dir string) *plan.Query {
	b.Helper()
	q, err := engine.NewSession("bench-etl").
		ReadStream(kafka.Subscribe("bench").Brokers(brokers).StartingOffsets(kafka.Earliest)).
		Select(engine.Col("topic"), engine.Col("partition"), engine.Col("offset"),
			engine.Col("timestamp"), engine.Col("key"), engine.Col("value")).
		WriteStream(parquet.Sink(filepath.Join(dir, "out")).Dictionary("topic")).
		Checkpoint(filepath.Join(dir, "ckpt")).
		Trigger(engine.AvailableNow()).
		Plan()
	if err != nil {
		b.Fatal(err)
	}
	return q
}

func runLocal(b *testing.B, q *plan.Query) {
	b.Helper()
	sq, err := engine.RunQuery(context.Background(), q, engine.RunOptions{Logger: testLogger()})
	if err != nil {
		b.Fatal(err)
	}
	<-sq.Done()
	if err := sq.Err(); err != nil {
		b.Fatal(err)
	}
}

// runOnCluster submits q and waits until its available-now trigger is
// done.
func runOnCluster(b *testing.B, c *testcluster.Cluster, q *plan.Query) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	body, err := plan.Marshal(q)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.Client().Submit(ctx, body); err != nil {
		b.Fatal(err)
	}
	testutil.WaitFor(b, 5*time.Minute, 2*time.Millisecond, func() error {
		st, err := c.Client().Status(ctx, q.Name)
		switch {
		case err != nil:
			return err
		case st.State == driver.StateFailed:
			b.Fatalf("the query failed: %s", st.Error)
		case st.State != driver.StateStopped:
			return errorf("query %s: %s", st.State, st.Message)
		}
		return nil
	})
}

// loadClicks writes n clickstream events to topic.
func loadClicks(b *testing.B, brokers, topic string, n int64) {
	b.Helper()
	p, err := clickgen.New(clickgen.Config{Brokers: []string{brokers}, Topic: topic, Count: n})
	if err != nil {
		b.Fatal(err)
	}
	if err := p.Run(context.Background()); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkExecutorLoss measures the time from losing an executor in the
// middle of a batch to that batch committing on the other executor, with
// the driver's default failure detection (heartbeat timeout 2s, memberlist
// probes every 500ms), under a steady load of 20,000 events/s with one
// second triggers. "kill" is a SIGKILL (the connection breaks: detected at
// once); "hang" is a SIGSTOP (the process keeps its sockets and answers
// nothing: detected by memberlist or the missing heartbeats); "hang-tuned"
// is a hang with detection tuned down (heartbeats every 100ms, timeout
// 500ms, probes every 200ms).
func BenchmarkExecutorLoss(b *testing.B) {
	if testing.Short() {
		b.Skip("starts processes")
	}
	tuned := []string{"--heartbeat-interval", "100ms", "--heartbeat-timeout", "500ms", "--probe-interval", "200ms"}
	for _, tc := range []struct {
		name, how  string
		driverArgs []string
	}{{"kill", "kill", nil}, {"hang", "hang", nil}, {"hang-tuned", "hang", tuned}} {
		b.Run(tc.name, func(b *testing.B) {
			var total time.Duration
			for i := range b.N {
				total += executorLoss(b, tc.how, tc.driverArgs, i)
			}
			b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/loss")
		})
	}
}

// executorLoss runs one loss on a fresh cluster and returns how long the
// batch in flight took to commit after it.
func executorLoss(b *testing.B, how string, driverArgs []string, i int) time.Duration {
	c := testcluster.New(b)
	brokers := c.StartBroker()
	testcluster.CreateTopic(b, brokers, "events", 4)
	c.StartDriver(driverArgs...)
	for _, name := range []string{"executor-1", "executor-2"} {
		c.StartExecutor(name, "--slots", "2")
	}
	load := testcluster.StartLoad(b, brokers, "events", 20000)
	defer load.Stop(b)
	q, err := engine.NewSession("etl").
		ReadStream(kafka.Subscribe("events").Brokers(brokers).StartingOffsets(kafka.Earliest)).
		Select(engine.Col("topic"), engine.Col("partition"), engine.Col("offset"), engine.Col("value")).
		WriteStream(parquet.Sink(filepath.Join(c.Dir, "out"))).Checkpoint(filepath.Join(c.Dir, "ckpt")).
		Trigger(engine.ProcessingTime(time.Second)).Plan()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.Client().Submit(context.Background(), mustMarshal(b, q)); err != nil {
		b.Fatal(err)
	}
	victim, committed := waitBusyExecutor(b, c, 2)
	lost := time.Now()
	if how == "kill" {
		c.Executors[victim].Kill()
	} else {
		c.Executors[victim].Pause()
	}
	var st driver.QueryStatus
	testutil.WaitFor(b, 30*time.Second, time.Millisecond, func() error {
		var err error
		st, err = c.Client().Status(context.Background(), "etl")
		if err == nil && st.BatchID <= committed {
			err = errorf("batch %d not committed yet (%s)", committed+1, st.Message)
		}
		return err
	})
	took := time.Since(lost)
	retried := 0
	for _, task := range st.LastProgress.Tasks {
		if task.Attempt > 0 {
			retried++
		}
	}
	b.Logf("loss %d (%s of %s during batch %d): the batch committed %s later with %d retried tasks",
		i, how, victim, st.BatchID, took.Round(time.Millisecond), retried)
	return took
}
