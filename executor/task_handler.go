package executor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/spate-io/spate/driver"
	"github.com/spate-io/spate/engine"
)

// maxTaskBytes bounds a task request: a plan and a few ranges.
const maxTaskBytes = 16 << 20

// slotWaitTimeout is how long a task waits for a slot before the executor
// answers busy.
const slotWaitTimeout = 5 * time.Second

func (e *Executor) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+driver.TaskPath, e.runTask)
	mux.HandleFunc("GET /healthz", e.healthz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(e.metrics.reg, promhttp.HandlerOpts{}))
	return mux
}

func (e *Executor) healthz(w http.ResponseWriter, _ *http.Request) {
	ok, refusal := e.Registered()
	writeJSON(w, http.StatusOK, map[string]any{"id": e.id, "name": e.cfg.Name, "version": e.cfg.Version,
		"registered": ok, "refusal": refusal, "slots": e.cfg.Slots, "running": len(e.slots)})
}

// runTask runs one task while the driver waits on the request; the
// driver cancelling the request cancels the task.
func (e *Executor) runTask(w http.ResponseWriter, r *http.Request) {
	var spec engine.TaskSpec
	if err := json.NewDecoder(io.LimitReader(r.Body, maxTaskBytes)).Decode(&spec); err != nil {
		e.fail(w, http.StatusBadRequest, driver.ErrorBody{Error: "executor: the task is not valid JSON: " + err.Error()})
		return
	}
	// The driver sends a task only to a free slot, but a task of a driver
	// that just restarted may still be winding down: wait for it a little.
	slotWait := time.NewTimer(slotWaitTimeout)
	defer slotWait.Stop()
	select {
	case e.slots <- struct{}{}:
		defer func() { <-e.slots }()
	case <-r.Context().Done():
		return
	case <-slotWait.C:
		e.fail(w, http.StatusServiceUnavailable, driver.ErrorBody{Error: fmt.Sprintf("executor: all %d slots stayed taken for %s; send the task elsewhere", e.cfg.Slots, slotWaitTimeout), Code: driver.CodeBusy})
		return
	}
	q, err := e.plans.forTask(spec)
	if errors.Is(err, errPlanUnknown) {
		e.fail(w, http.StatusConflict, driver.ErrorBody{Error: err.Error(), Code: driver.CodePlanUnknown})
		return
	}
	if err != nil {
		e.fail(w, http.StatusBadRequest, driver.ErrorBody{Error: err.Error(), Code: driver.CodeTaskFailed, Permanent: true})
		return
	}
	e.metrics.running.Inc()
	res, err := e.worker.RunTask(r.Context(), q, spec)
	e.metrics.running.Dec()
	if err != nil {
		e.metrics.tasks.WithLabelValues("failed").Inc()
		if r.Context().Err() == nil {
			e.log.Warn("executor: task failed", "task", spec.Name(), "attempt", spec.Attempt, "err", err)
		}
		perm := !engine.Retryable(err) && !errors.Is(err, context.Canceled)
		e.fail(w, http.StatusInternalServerError, driver.ErrorBody{Error: err.Error(), Code: driver.CodeTaskFailed, Permanent: perm})
		return
	}
	e.metrics.observe(res)
	writeJSON(w, http.StatusOK, res)
}

func (e *Executor) fail(w http.ResponseWriter, status int, body driver.ErrorBody) {
	if status != http.StatusInternalServerError && status != http.StatusConflict {
		e.log.Warn("executor: task refused", "status", status, "err", body.Error)
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
