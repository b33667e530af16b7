package executor

import (
	"errors"
	"strings"
	"testing"

	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/engine/plan"
	"github.com/spate-io/spate/sink/parquet"
	"github.com/spate-io/spate/source/kafka"
)

func testPlan(t *testing.T, name string) (json []byte, hash string) {
	t.Helper()
	q, err := engine.NewSession(name).ReadStream(kafka.Subscribe("events")).WriteStream(parquet.Sink("out")).Checkpoint("ckpt").Plan()
	if err != nil {
		t.Fatal(err)
	}
	if json, err = plan.Marshal(q); err != nil {
		t.Fatal(err)
	}
	if hash, err = plan.Hash(q); err != nil {
		t.Fatal(err)
	}
	return json, hash
}

func TestPlanCache(t *testing.T) {
	a, ha := testPlan(t, "a")
	b, hb := testPlan(t, "b")
	c := newPlanCache(1)
	spec := func(p []byte, h string) engine.TaskSpec {
		return engine.TaskSpec{QueryName: "q", PlanHash: h, Plan: p, BatchID: 7}
	}
	if _, err := c.forTask(spec(nil, ha)); !errors.Is(err, errPlanUnknown) || !strings.Contains(err.Error(), "q/batch-7/task-0") {
		t.Fatalf("a task without its plan on an empty cache: %v", err)
	}
	if q, err := c.forTask(spec(a, ha)); err != nil || q.Name != "a" {
		t.Fatalf("a task with its plan: %v", err)
	}
	if q, err := c.forTask(spec(nil, ha)); err != nil || q.Name != "a" {
		t.Fatalf("a task of a cached plan without the plan: %v", err)
	}
	// a is cached under ha: the cached plan wins and b is not decoded.
	if q, err := c.forTask(spec(b, ha)); err != nil || q.Name != "a" {
		t.Fatalf("cached hash with another body: %v", err)
	}
	if _, err := c.forTask(spec(a, hb)); err == nil || !strings.Contains(err.Error(), "hashes to") {
		t.Fatalf("a plan that does not match its hash: %v", err)
	}
	if _, err := c.forTask(spec(b, hb)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.forTask(spec(nil, ha)); !errors.Is(err, errPlanUnknown) {
		t.Fatalf("a was not evicted by b in a cache of one: %v", err)
	}
	if _, err := c.forTask(spec([]byte(`{"version":1,`), "x")); err == nil || !strings.Contains(err.Error(), "does not decode") {
		t.Fatalf("a damaged plan: %v", err)
	}
}

func TestConfigValidate(t *testing.T) {
	for _, tt := range []struct {
		cfg  Config
		want string
	}{
		{Config{Version: "v"}, "Driver is required"},
		{Config{Driver: "x:1"}, "Version is required"},
		{Config{Driver: "x:1", Version: "v", Listen: "nope"}, `Listen "nope" is not host:port`},
	} {
		tt.cfg.defaults()
		if err := tt.cfg.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Validate(%+v) = %v, want %q", tt.cfg, err, tt.want)
		}
	}
}
