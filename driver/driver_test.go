package driver_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/spate-io/spate/driver"
	"github.com/spate-io/spate/internal/testcluster"
)

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

func TestDriverRunsAQueryOnTwoExecutorsExactlyOnce(t *testing.T) {
	brokers := startBroker(t)
	testcluster.CreateTopic(t, brokers, "events", 4)
	testcluster.Produce(t, brokers, "events", 0, 2000)
	d := startDriver(t, t.TempDir())
	startExecutor(t, d.Addr(), "executor-1")
	startExecutor(t, d.Addr(), "executor-2")
	c := driver.NewClient(d.Addr())
	out, ckpt := dirs(t)
	resp, err := c.Submit(ctx10(t), passthroughPlan(t, "etl", brokers, "events", out, ckpt))
	if err != nil {
		t.Fatal(err)
	}
	if resp.ID == "" || resp.State != driver.StateRunning {
		t.Fatalf("submit answered %+v", resp)
	}
	waitCaughtUp(t, c, "etl", brokers, "events", 30*time.Second)
	testcluster.Produce(t, brokers, "events", 2000, 1000)
	st := waitCaughtUp(t, c, "etl", brokers, "events", 30*time.Second)
	testcluster.CheckExactlyOnce(t, testcluster.BrokerRecords(t, brokers, "events"), testcluster.ReadParquet(t, out))

	used := map[string]bool{}
	for _, task := range st.LastProgress.Tasks {
		used[task.Executor] = true
	}
	if len(st.LastProgress.Tasks) != 4 || len(used) != 2 {
		t.Errorf("last batch ran %d tasks on %v; want 4 tasks spread over both executors", len(st.LastProgress.Tasks), used)
	}
	again, err := c.Submit(ctx10(t), passthroughPlan(t, "etl", brokers, "events", out, ckpt))
	if err != nil || !again.Resubmitted || again.ID != resp.ID {
		t.Fatalf("submitting the same query again: %+v, %v; want the running query back", again, err)
	}
}
