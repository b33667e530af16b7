package driver_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/spate-io/spate/driver"
	"github.com/spate-io/spate/engine"
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
	checkSticky(t, c.Progress)
	checkPages(t, d.Addr())
	again, err := c.Submit(ctx10(t), passthroughPlan(t, "etl", brokers, "events", out, ckpt))
	if err != nil || !again.Resubmitted || again.ID != resp.ID {
		t.Fatalf("submitting the same query again: %+v, %v; want the running query back", again, err)
	}
}

// checkPages checks the status page and /metrics of a driver running the
// query etl on two executors.
func checkPages(t *testing.T, addr string) {
	t.Helper()
	page := get(t, "http://"+addr+"/")
	for _, want := range []string{"<td><a href=\"/api/v1/queries/etl\">etl</a></td>", "<polyline points=", "executor-1", "executor-2", "running"} {
		if !strings.Contains(page, want) {
			t.Errorf("the status page lacks %q:\n%s", want, page)
		}
	}
	metrics := get(t, "http://"+addr+"/metrics")
	for _, want := range []string{`spate_query_input_rows_total{query="etl"} 3000`, "spate_executors_alive 2",
		`spate_query_offsets_behind_latest{partition="3",query="etl",topic="events"} 0`, `spate_query_running{query="etl"} 1`,
		"spate_query_batch_duration_seconds_bucket"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s, %v", url, resp.Status, err)
	}
	return string(b)
}

// checkSticky checks that each task (one per partition) ran on the same
// executor in every batch: partitions stick to executors.
func checkSticky(t *testing.T, progress func(context.Context, string, int) ([]engine.Progress, error)) {
	t.Helper()
	recent, err := progress(context.Background(), "etl", 0)
	if err != nil {
		t.Fatal(err)
	}
	where := map[int]string{}
	for _, p := range recent {
		for _, task := range p.Tasks {
			if prev, ok := where[task.TaskID]; ok && prev != task.Executor {
				t.Errorf("task %d (one partition) ran on %s and then on %s in batch %d", task.TaskID, prev, task.Executor, p.BatchID)
			}
			where[task.TaskID] = task.Executor
		}
	}
	if len(recent) < 2 {
		t.Errorf("only %d batches to compare", len(recent))
	}
}
