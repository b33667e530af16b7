package driver_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spate-io/spate/driver"
	"github.com/spate-io/spate/internal/testcluster"
	"github.com/spate-io/spate/internal/testutil"
)

// The failure tests run the spate binary as real processes: a broker, a
// driver and executors, killed with SIGKILL mid-batch while a producer
// keeps writing. The output is read back with parquet-go by plain glob
// and compared with everything the broker holds.

// processCluster starts a broker with topic events (4 partitions), a
// driver and the named executors, and submits the passthrough query etl.
func processCluster(t *testing.T, executors ...string) (c *testcluster.Cluster, out string) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts processes")
	}
	c = testcluster.New(t)
	brokers := c.StartBroker()
	testcluster.CreateTopic(t, brokers, "events", 4)
	c.StartDriver("--heartbeat-interval", "200ms", "--heartbeat-timeout", "1s")
	for _, name := range executors {
		c.StartExecutor(name, "--slots", "2")
	}
	out = filepath.Join(c.Dir, "out")
	if _, err := c.Client().Submit(ctx10(t), passthroughPlan(t, "etl", brokers, "events", out, filepath.Join(c.Dir, "ckpt"))); err != nil {
		t.Fatal(err)
	}
	return c, out
}

// waitBusyExecutor waits until the query has committed a few batches and
// an executor is running one of its tasks, and returns that executor's
// name and the last committed batch: killing it now kills it in the
// middle of the next batch.
func waitBusyExecutor(t testing.TB, c *testcluster.Cluster, minBatch int64) (string, int64) {
	t.Helper()
	var (
		busy      string
		committed int64
	)
	testutil.WaitFor(t, 30*time.Second, time.Millisecond, func() error {
		st, err := c.Client().Status(context.Background(), "etl")
		if err != nil {
			return err
		}
		committed = st.BatchID
		if st.BatchID < minBatch {
			return errorf("at batch %d, want %d (%s)", st.BatchID, minBatch, st.Message)
		}
		execs, err := c.Client().Executors(context.Background())
		if err != nil {
			return err
		}
		for _, e := range execs {
			if e.Alive && e.Running > 0 {
				busy = e.Name
				return nil
			}
		}
		return errorf("no executor is running a task")
	})
	return busy, committed
}

// waitAcked waits until the load has written n more records.
func waitAcked(t *testing.T, load *testcluster.Load, n int64) {
	t.Helper()
	target := load.Acked() + n
	testutil.WaitFor(t, 30*time.Second, 5*time.Millisecond, func() error {
		if got := load.Acked(); got < target {
			return errorf("the load wrote %d records, want %d", got, target)
		}
		return nil
	})
}

// keepLoading lets the load write n more records while the query
// commits at least batches more batches.
func keepLoading(t *testing.T, c *testcluster.Cluster, load *testcluster.Load, n int64, batches int64) {
	t.Helper()
	st, err := c.Client().Status(context.Background(), "etl")
	if err != nil {
		t.Fatal(err)
	}
	waitAcked(t, load, n)
	testutil.WaitFor(t, 30*time.Second, 5*time.Millisecond, func() error {
		now, err := c.Client().Status(context.Background(), "etl")
		if err != nil {
			return err
		}
		if now.BatchID < st.BatchID+batches {
			return errorf("at batch %d, want %d (%s)", now.BatchID, st.BatchID+batches, now.Message)
		}
		return nil
	})
}

// finish stops the load, waits until the query has read everything the
// broker holds and checks the output holds every record exactly once.
func finish(t *testing.T, c *testcluster.Cluster, load *testcluster.Load, out string) driver.QueryStatus {
	t.Helper()
	acked := load.Stop(t)
	st := waitCaughtUp(t, c.Client(), "etl", c.BrokerAddr, "events", 60*time.Second)
	want, rows := testcluster.BrokerRecords(t, c.BrokerAddr, "events"), testcluster.ReadParquet(t, out)
	testcluster.CheckExactlyOnce(t, want, rows)
	t.Logf("%d records produced under load, %d in the broker, %d rows written exactly once by batch %d", acked, len(want), len(rows), st.BatchID)
	return st
}

func TestSIGKILLOfAnExecutorMidBatchUnderLoad(t *testing.T) {
	c, out := processCluster(t, "executor-1", "executor-2")
	load := testcluster.StartLoad(t, c.BrokerAddr, "events", 20000)
	victim, _ := waitBusyExecutor(t, c, 3)
	c.Executors[victim].Kill()
	testutil.WaitFor(t, 10*time.Second, 10*time.Millisecond, func() error {
		n, err := c.AliveExecutors()
		if err == nil && n != 1 {
			return errorf("%d executors alive after the kill, want 1", n)
		}
		return err
	})
	keepLoading(t, c, load, 20000, 5)
	st := finish(t, c, load, out)
	for _, task := range st.LastProgress.Tasks {
		if task.Executor == victim {
			t.Errorf("the last batch ran task %d on the killed %s", task.TaskID, victim)
		}
	}
	if st.State != driver.StateRunning || st.Error != "" {
		t.Fatalf("query after the kill: %s %s", st.State, st.Error)
	}
}

func TestSIGKILLOfTheDriverMidBatchAndRestart(t *testing.T) {
	c, out := processCluster(t, "executor-1", "executor-2")
	load := testcluster.StartLoad(t, c.BrokerAddr, "events", 20000)
	before, err := c.Client().Status(ctx10(t), "etl")
	if err != nil {
		t.Fatal(err)
	}
	waitBusyExecutor(t, c, 3)
	c.Driver.Kill()
	waitAcked(t, load, 5000) // the load goes on while no driver runs
	c.StartDriver("--heartbeat-interval", "200ms", "--heartbeat-timeout", "1s")
	testutil.WaitFor(t, 20*time.Second, 20*time.Millisecond, func() error {
		n, err := c.AliveExecutors()
		if err == nil && n != 2 {
			return errorf("%d executors registered with the new driver, want 2", n)
		}
		return err
	})
	keepLoading(t, c, load, 10000, 5)
	st := finish(t, c, load, out)
	t.Logf("the new driver reran the killed batch: %v", strings.Contains(c.Driver.Logs(), "rerunning the unfinished batch"))
	if st.ID != before.ID || st.RunID == before.RunID {
		t.Errorf("after the driver restart: id %s run %s; want the same id %s and a new run", st.ID, st.RunID, before.ID)
	}
}

func TestAllExecutorsStoppedThenOneStarted(t *testing.T) {
	c, out := processCluster(t, "executor-1", "executor-2")
	load := testcluster.StartLoad(t, c.BrokerAddr, "events", 5000)
	waitBusyExecutor(t, c, 1)
	for _, name := range []string{"executor-1", "executor-2"} {
		if err := c.Executors[name].Stop(10 * time.Second); err != nil {
			t.Fatalf("stopping %s: %v", name, err)
		}
	}
	testutil.WaitFor(t, 15*time.Second, 20*time.Millisecond, func() error {
		st, err := cliStatus(t, c)
		if err != nil {
			return err
		}
		if !st.WaitingForExecutors || !strings.Contains(st.Message, "Waiting for executors") || st.State != driver.StateRunning {
			return errorf("`spate jobs status etl -o json`: state %s, message %q", st.State, st.Message)
		}
		return nil
	})
	c.StartExecutor("executor-3", "--slots", "2")
	keepLoading(t, c, load, 5000, 3)
	st := finish(t, c, load, out)
	if st.WaitingForExecutors {
		t.Errorf("still waiting: %q", st.Message)
	}
	checkBadSubmitsLeaveTheDriverRunning(t, c)
}

// checkBadSubmitsLeaveTheDriverRunning submits bad plans with `spate
// submit`: each fails with the driver's message, and the driver lives.
func checkBadSubmitsLeaveTheDriverRunning(t *testing.T, c *testcluster.Cluster) {
	t.Helper()
	bad := filepath.Join(c.Dir, "bad.json")
	for body, want := range map[string]string{
		`{"version":7,"name":"x"}`: "plan version 7 is not supported",
		`{"version":1,`:            "not valid JSON",
	} {
		if err := os.WriteFile(bad, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		outp, err := exec.Command(testcluster.Binary(t), "submit", "--driver", c.DriverAddr, bad).CombinedOutput()
		if err == nil || !strings.Contains(string(outp), want) {
			t.Errorf("spate submit %s: %v, output %q; want a failure saying %q", body, err, outp, want)
		}
	}
	if c.Driver.Exited() {
		t.Fatal("the driver died on bad input")
	}
}

// cliStatus runs `spate jobs status etl -o json`.
func cliStatus(t *testing.T, c *testcluster.Cluster) (driver.QueryStatus, error) {
	t.Helper()
	var st driver.QueryStatus
	outp, err := exec.Command(testcluster.Binary(t), "jobs", "status", "etl", "--driver", c.DriverAddr, "-o", "json").Output()
	if err != nil {
		return st, err
	}
	return st, json.Unmarshal(outp, &st)
}

func TestHungExecutorIsDeclaredDeadByMemberlist(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	c := testcluster.New(t)
	// Heartbeats alone would take a minute: memberlist's probes must find
	// the hung executor first.
	c.StartDriver("--heartbeat-timeout", "1m", "--probe-interval", "200ms")
	c.StartExecutor("executor-1")
	hung := c.StartExecutor("executor-2")
	testutil.WaitFor(t, 10*time.Second, 10*time.Millisecond, func() error {
		execs, err := c.Client().Executors(context.Background())
		for _, e := range execs {
			if e.Name == "executor-2" && !e.InGossip {
				return errorf("executor-2 has not joined the driver's memberlist yet")
			}
		}
		return err
	})
	hung.Pause()
	start := time.Now()
	testutil.WaitFor(t, 20*time.Second, 20*time.Millisecond, func() error {
		execs, err := c.Client().Executors(context.Background())
		if err != nil {
			return err
		}
		for _, e := range execs {
			if e.Name == "executor-2" && !e.Alive && strings.Contains(e.Why, "memberlist") {
				return nil
			}
		}
		return errorf("executor-2 not declared dead by memberlist yet: %+v", execs)
	})
	t.Logf("memberlist declared the hung executor dead after %s", time.Since(start).Round(time.Millisecond))
	if n, err := c.AliveExecutors(); err != nil || n != 1 {
		t.Fatalf("alive executors: %d, %v; want executor-1 still alive", n, err)
	}
}
