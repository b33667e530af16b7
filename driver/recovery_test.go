package driver_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/spate-io/spate/driver"
	"github.com/spate-io/spate/internal/testcluster"
	"github.com/spate-io/spate/internal/testutil"
)

func TestQueryWaitsForExecutorsAndResumesWhenOneStarts(t *testing.T) {
	brokers := startBroker(t)
	testcluster.CreateTopic(t, brokers, "events", 3)
	testcluster.Produce(t, brokers, "events", 0, 300)
	d := startDriver(t, t.TempDir())
	e1 := startExecutor(t, d.Addr(), "executor-1")
	c := driver.NewClient(d.Addr())
	out, ckpt := dirs(t)
	if _, err := c.Submit(ctx10(t), passthroughPlan(t, "etl", brokers, "events", out, ckpt)); err != nil {
		t.Fatal(err)
	}
	waitCaughtUp(t, c, "etl", brokers, "events", 30*time.Second)
	if err := e1.Close(); err != nil {
		t.Fatal(err)
	}
	testcluster.Produce(t, brokers, "events", 300, 300)
	testutil.WaitFor(t, 10*time.Second, 10*time.Millisecond, func() error {
		st, err := c.Status(ctx10(t), "etl")
		if err != nil {
			return err
		}
		if !st.WaitingForExecutors || !strings.Contains(st.Message, "Waiting for executors") || st.State != driver.StateRunning {
			return errorf("status %q (waiting %v, state %s)", st.Message, st.WaitingForExecutors, st.State)
		}
		return nil
	})
	startExecutor(t, d.Addr(), "executor-2")
	st := waitCaughtUp(t, c, "etl", brokers, "events", 30*time.Second)
	if st.WaitingForExecutors {
		t.Errorf("still waiting after catching up: %q", st.Message)
	}
	testcluster.CheckExactlyOnce(t, testcluster.BrokerRecords(t, brokers, "events"), testcluster.ReadParquet(t, out))
}

func TestRestartedDriverResumesRunningQueriesAndNotStoppedOnes(t *testing.T) {
	brokers := startBroker(t)
	testcluster.CreateTopic(t, brokers, "events", 2)
	testcluster.Produce(t, brokers, "events", 0, 200)
	data := t.TempDir()
	d := startDriver(t, data)
	addr := d.Addr()
	startExecutor(t, addr, "executor-1")
	c := driver.NewClient(addr)
	out, ckpt := dirs(t)
	out2, ckpt2 := dirs(t)
	for name, p := range map[string][]byte{
		"etl":    passthroughPlan(t, "etl", brokers, "events", out, ckpt),
		"paused": passthroughPlan(t, "paused", brokers, "events", out2, ckpt2),
	} {
		if _, err := c.Submit(ctx10(t), p); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	first := waitCaughtUp(t, c, "etl", brokers, "events", 30*time.Second)
	waitCaughtUp(t, c, "paused", brokers, "events", 30*time.Second)
	if st, err := c.Stop(ctx10(t), "paused"); err != nil || st.State != driver.StateStopped {
		t.Fatalf("stop: %+v, %v", st, err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	testcluster.Produce(t, brokers, "events", 200, 200)
	startDriver(t, data, func(cfg *driver.Config) { cfg.Listen = addr })
	st := waitCaughtUp(t, c, "etl", brokers, "events", 30*time.Second)
	if st.ID != first.ID || st.RunID == first.RunID {
		t.Errorf("resumed query: id %s run %s; want id %s and a new run id", st.ID, st.RunID, first.ID)
	}
	paused, err := c.Status(ctx10(t), "paused")
	if err != nil || paused.State != driver.StateStopped {
		t.Fatalf("stopped query after the restart: %+v, %v; want it still stopped", paused, err)
	}
	testcluster.CheckExactlyOnce(t, testcluster.BrokerRecords(t, brokers, "events"), testcluster.ReadParquet(t, out))
	if _, err := c.Restart(ctx10(t), "paused"); err != nil {
		t.Fatal(err)
	}
	waitCaughtUp(t, c, "paused", brokers, "events", 30*time.Second)
	testcluster.CheckExactlyOnce(t, testcluster.BrokerRecords(t, brokers, "events"), testcluster.ReadParquet(t, out2))
}

func TestBatchThatCannotFinishFailsTheQueryNamingTheTaskAndCause(t *testing.T) {
	brokers := startBroker(t)
	testcluster.CreateTopic(t, brokers, "events", 2)
	testcluster.Produce(t, brokers, "events", 0, 100)
	d := startDriver(t, t.TempDir())
	startExecutor(t, d.Addr(), "executor-1")
	startExecutor(t, d.Addr(), "executor-2")
	c := driver.NewClient(d.Addr())
	out, ckpt := dirs(t)
	if err := os.WriteFile(out, []byte("a file where the output folder should be"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Submit(ctx10(t), passthroughPlan(t, "etl", brokers, "events", out, ckpt)); err != nil {
		t.Fatal(err)
	}
	var st driver.QueryStatus
	testutil.WaitFor(t, 30*time.Second, 10*time.Millisecond, func() error {
		var err error
		if st, err = c.Status(ctx10(t), "etl"); err == nil && st.State != driver.StateFailed {
			err = errorf("state %s: %s", st.State, st.Message)
		}
		return err
	})
	for _, want := range []string{"etl/batch-0/task-", "failed 4 attempts", "the last on executor executor-", "parquet"} {
		if !strings.Contains(st.Error, want) {
			t.Errorf("the failure %q does not say %q", st.Error, want)
		}
	}
	if err := os.Remove(out); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Restart(ctx10(t), "etl"); err != nil {
		t.Fatal(err)
	}
	waitCaughtUp(t, c, "etl", brokers, "events", 30*time.Second)
	testcluster.CheckExactlyOnce(t, testcluster.BrokerRecords(t, brokers, "events"), testcluster.ReadParquet(t, out))
}
