package driver_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/spate-io/spate/driver"
	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/engine/plan"
	"github.com/spate-io/spate/executor"
	"github.com/spate-io/spate/internal/testcluster"
	"github.com/spate-io/spate/internal/testutil"
	"github.com/spate-io/spate/sink/parquet"
	"github.com/spate-io/spate/source/kafka"
)

func init() {
	engine.RegisterUDF1("driver_test_shout", func(s string) string { return strings.ToUpper(s) + "!" })
}

func TestSubmitRefusesBadPlansWithClearErrors(t *testing.T) {
	brokers := startBroker(t)
	testcluster.CreateTopic(t, brokers, "events", 2)
	d := startDriver(t, t.TempDir(), func(c *driver.Config) { c.MaxSubmitBytes = 64 << 10 })
	startExecutor(t, d.Addr(), "plain", func(c *executor.Config) { c.UDFs = []string{} })
	c := driver.NewClient(d.Addr())
	out, ckpt := dirs(t)
	good := passthroughPlan(t, "good", brokers, "events", out, ckpt)

	noCkpt, err := engine.NewSession("nockpt").ReadStream(kafka.Subscribe("events").Brokers(brokers)).
		WriteStream(parquet.Sink(out)).Plan()
	if err != nil {
		t.Fatal(err)
	}
	udf, err := engine.NewSession("udf").ReadStream(kafka.Subscribe("events").Brokers(brokers)).
		Select(engine.CallUDF("driver_test_shout", engine.Col("topic")).As("t")).
		WriteStream(parquet.Sink(out)).Checkpoint(ckpt).Plan()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		body   []byte
		status int
		want   string
	}{
		{"malformed JSON", []byte(`{"version":1,`), http.StatusBadRequest, "not valid JSON"},
		{"not a plan", []byte(`{"hello":"world"}`), http.StatusUnprocessableEntity, `no "version" field`},
		{"unknown plan version", withVersion(t, good, 99), http.StatusUnprocessableEntity, "plan version 99 is not supported"},
		{"oversized", append(append([]byte(`{"version":1,"name":"`), bytes.Repeat([]byte("x"), 70<<10)...), `"}`...), http.StatusRequestEntityTooLarge, "over 65536 bytes"},
		{"no checkpoint", mustMarshal(t, noCkpt), http.StatusUnprocessableEntity, "has no checkpoint location"},
		{"missing topic", passthroughPlan(t, "typo", brokers, "evnets", out, ckpt+"-typo"), http.StatusUnprocessableEntity, "reads topic evnets, which does not exist"},
		{"UDF no executor has", mustMarshal(t, udf), http.StatusUnprocessableEntity, "calls UDF driver_test_shout, which no live executor has"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Submit(ctx10(t), tt.body)
			var ae *driver.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("submit: %v; want an API error", err)
			}
			if ae.Status != tt.status || !strings.Contains(ae.Msg, tt.want) || !strings.HasPrefix(ae.Msg, "driver: ") {
				t.Fatalf("submit answered %d %q; want %d with %q", ae.Status, ae.Msg, tt.status, tt.want)
			}
		})
	}
	if _, err := c.Submit(ctx10(t), good); err != nil {
		t.Fatalf("after the refusals the driver refuses a good plan: %v", err)
	}
	_, err = c.Submit(ctx10(t), passthroughPlan(t, "good", brokers, "events", out+"2", ckpt+"2"))
	if ae := (*driver.APIError)(nil); !errors.As(err, &ae) || ae.Status != http.StatusConflict {
		t.Fatalf("a different plan under a running query's name: %v; want 409", err)
	}
	_, err = c.Submit(ctx10(t), passthroughPlan(t, "other", brokers, "events", out+"3", ckpt))
	if ae := (*driver.APIError)(nil); !errors.As(err, &ae) || ae.Status != http.StatusConflict || !strings.Contains(ae.Msg, "in use by running query") {
		t.Fatalf("a second query on a running query's checkpoint: %v; want 409", err)
	}
}

// withVersion returns plan JSON with its format version replaced.
func withVersion(t *testing.T, planJSON []byte, v int) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(planJSON, &m); err != nil {
		t.Fatal(err)
	}
	m["version"] = v
	return mustJSON(t, m)
}

func mustMarshal(t testing.TB, q *plan.Query) []byte {
	t.Helper()
	b, err := plan.Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestExecutorOfAnotherVersionIsRefusedAndKeepsRunning(t *testing.T) {
	d := startDriver(t, t.TempDir())
	e, err := executor.New(executor.Config{Driver: d.Addr(), Version: "v9.9.9", Name: "old", Logger: testLogger(), RetryInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	testutil.WaitFor(t, 10*time.Second, 10*time.Millisecond, func() error {
		if _, refusal := e.Registered(); !strings.Contains(refusal, "runs spate v9.9.9 but this driver runs spate "+testVersion) {
			return errorf("refusal %q", refusal)
		}
		return nil
	})
	if n := len(d.Executors()); n != 0 {
		t.Fatalf("the driver lists %d executors after refusing the only one", n)
	}
	resp, err := http.Get("http://" + e.Addr() + "/healthz")
	if err != nil {
		t.Fatalf("the refused executor no longer serves: %v", err)
	}
	resp.Body.Close()
}

func TestTaskForAPlanTheExecutorDoesNotHaveIsAnsweredWithPlanUnknown(t *testing.T) {
	d := startDriver(t, t.TempDir())
	e := startExecutor(t, d.Addr(), "executor-1")
	spec := engine.TaskSpec{QueryID: "q", QueryName: "ghost", PlanHash: "0123456789abcdef0123", BatchID: 3}
	body := mustJSON(t, spec)
	resp, err := http.Post("http://"+e.Addr()+driver.TaskPath, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var eb driver.ErrorBody
	decodeJSON(t, resp.Body, &eb)
	if resp.StatusCode != http.StatusConflict || eb.Code != driver.CodePlanUnknown || !strings.Contains(eb.Error, "ghost/batch-3/task-0 names plan 0123456789ab") {
		t.Fatalf("answer %d %+v", resp.StatusCode, eb)
	}
	resp2, err := http.Post("http://"+e.Addr()+driver.TaskPath, "application/json", strings.NewReader("{nope"))
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != http.StatusBadRequest {
		t.Fatalf("a malformed task: %d, want 400", resp2.StatusCode)
	}
	if ok, _ := e.Registered(); !ok {
		t.Fatal("the executor dropped its registration after bad tasks")
	}
}
