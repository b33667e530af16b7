package driver

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/engine/checkpoint"
	"github.com/spate-io/spate/engine/plan"
)

// queries runs the submitted queries, each with engine.RunQuery and a
// runner that schedules its tasks on the executors, and keeps their
// desired state in the data folder.
//
// Names are unique. Submitting the name of a running query with the same
// plan and checkpoint changes nothing (a retried submit is safe); with a
// different plan or checkpoint it is refused: stop the query first.
// Submitting the name of a stopped or failed query starts it again with
// the new plan, from its checkpoint (the checkpoint refuses a plan whose
// operators changed). Two running queries never share a checkpoint.
type queries struct {
	d     *Driver
	store *stateStore

	mu     sync.Mutex
	byName map[string]*managedQuery
	closed bool
}

func newQueries(d *Driver, store *stateStore) *queries {
	return &queries{d: d, store: store, byName: map[string]*managedQuery{}}
}

// submit checks a submitted plan and starts it.
func (qs *queries) submit(ctx context.Context, body []byte) (SubmitResponse, error) {
	q, err := decodePlan(body)
	if err != nil {
		return SubmitResponse{}, err
	}
	if err := checkShape(q); err != nil {
		return SubmitResponse{}, err
	}
	if err := checkUDFs(q, qs.d.execs); err != nil {
		return SubmitResponse{}, err
	}
	hash, err := plan.Hash(q)
	if err != nil {
		return SubmitResponse{}, refuse(http.StatusUnprocessableEntity, "driver: %v", err)
	}
	if resp, done, err := qs.resubmitted(q, hash); done || err != nil {
		return resp, err
	}
	cctx, cancel := context.WithTimeout(ctx, qs.d.cfg.SubmitCheckTimeout)
	defer cancel()
	if err := checkSources(cctx, q); err != nil {
		return SubmitResponse{}, err
	}
	planJSON, err := plan.Marshal(q)
	if err != nil {
		return SubmitResponse{}, refuse(http.StatusUnprocessableEntity, "driver: %v", err)
	}
	mq := &managedQuery{q: q, hash: hash, stored: storedQuery{Name: q.Name, Checkpoint: q.Checkpoint, State: StateRunning,
		SubmittedAt: time.Now().UTC(), Plan: planJSON}}
	resp, err := qs.startNew(mq)
	if err == nil {
		resp.Warnings = pathWarnings(q)
		for _, w := range resp.Warnings {
			qs.d.log.Warn("driver: "+w, "query", q.Name)
		}
	}
	return resp, err
}

// resubmitted answers a submit of a query that runs already: done when
// it is the same query, an error when it is another under the same name
// or on the same checkpoint.
func (qs *queries) resubmitted(q *plan.Query, hash string) (SubmitResponse, bool, error) {
	qs.mu.Lock()
	defer qs.mu.Unlock()
	if mq, ok := qs.byName[q.Name]; ok && mq.running() {
		st := mq.status()
		if st.PlanHash == hash && sameDir(st.Checkpoint, q.Checkpoint) {
			return SubmitResponse{Name: st.Name, ID: st.ID, RunID: st.RunID, State: st.State, Resubmitted: true}, true, nil
		}
		return SubmitResponse{}, false, &apiError{status: http.StatusConflict, msg: fmt.Sprintf(
			"driver: query %q is running with another plan or checkpoint; stop it first (spate jobs stop %s) or submit under another name", q.Name, q.Name)}
	}
	return SubmitResponse{}, false, qs.checkpointFree(q.Name, q.Checkpoint)
}

// checkpointFree refuses a checkpoint another running query writes; mu
// is held.
func (qs *queries) checkpointFree(name, ckpt string) error {
	for other, mq := range qs.byName {
		if other != name && mq.running() && sameDir(mq.stored.Checkpoint, ckpt) {
			return &apiError{status: http.StatusConflict, msg: fmt.Sprintf(
				"driver: checkpoint %s is in use by running query %q; give each query its own checkpoint location", ckpt, other)}
		}
	}
	return nil
}

// startNew starts a submitted query, replacing a stopped or failed one of
// the same name, and records it.
func (qs *queries) startNew(mq *managedQuery) (SubmitResponse, error) {
	qs.mu.Lock()
	defer qs.mu.Unlock()
	if qs.closed {
		return SubmitResponse{}, refuse(http.StatusServiceUnavailable, "driver: shutting down")
	}
	if old, ok := qs.byName[mq.stored.Name]; ok && old.running() {
		return SubmitResponse{}, &apiError{status: http.StatusConflict, msg: fmt.Sprintf("driver: query %q was started meanwhile", mq.stored.Name)}
	}
	if err := qs.checkpointFree(mq.stored.Name, mq.stored.Checkpoint); err != nil {
		return SubmitResponse{}, err
	}
	if err := qs.run(mq); err != nil {
		return SubmitResponse{}, refuse(http.StatusUnprocessableEntity, "driver: query %q cannot start: %v", mq.stored.Name, err)
	}
	qs.byName[mq.stored.Name] = mq
	if err := qs.saveLocked(); err != nil {
		qs.d.log.Error("driver: the query runs but could not be recorded; it will not resume after a driver restart", "query", mq.stored.Name, "err", err)
	}
	st := mq.status()
	return SubmitResponse{Name: st.Name, ID: st.ID, RunID: st.RunID, State: st.State}, nil
}

// run starts a run of the query with engine.RunQuery.
func (qs *queries) run(mq *managedQuery) error {
	d := qs.d
	name := mq.stored.Name
	r := &runner{execs: d.execs, client: d.tasks, maxAttempts: d.cfg.MaxTaskAttempts, log: d.log.With("query", name),
		metrics: d.metrics, setWaiting: mq.setWaiting}
	sq, err := engine.RunQuery(d.ctx, mq.q, engine.RunOptions{
		Runner: r, Logger: d.log, PollInterval: d.cfg.QueryPollInterval,
		OnProgress: d.metrics.observe,
	})
	if err != nil {
		return err
	}
	mq.mu.Lock()
	mq.sq, mq.stopping, mq.waiting = sq, false, ""
	mq.stored.State, mq.stored.Error = StateRunning, ""
	mq.mu.Unlock()
	d.metrics.setRunning(name, true)
	d.log.Info("driver: query started", "query", name, "id", sq.ID(), "run", sq.RunID(), "checkpoint", mq.stored.Checkpoint)
	go qs.watch(mq, sq)
	return nil
}

// watch waits for a run to end and records how: failed, finished by its
// trigger, or stopped (by the user, or because the driver is closing, in
// which case the desired state stays running).
func (qs *queries) watch(mq *managedQuery, sq *engine.StreamingQuery) {
	<-sq.Done()
	qs.d.metrics.setRunning(mq.stored.Name, false)
	qs.mu.Lock()
	defer qs.mu.Unlock()
	mq.mu.Lock()
	current, stopping := mq.sq == sq, mq.stopping
	if !current || stopping || qs.closed {
		mq.mu.Unlock()
		return
	}
	if err := sq.Err(); err != nil {
		mq.stored.State, mq.stored.Error = StateFailed, err.Error()
		qs.d.log.Error("driver: query failed; its checkpoint is intact: fix the cause and restart it", "query", mq.stored.Name, "err", err)
	} else {
		mq.stored.State = StateStopped
		qs.d.log.Info("driver: query finished", "query", mq.stored.Name)
	}
	mq.mu.Unlock()
	if err := qs.saveLocked(); err != nil {
		qs.d.log.Error("driver: recording the query's end", "query", mq.stored.Name, "err", err)
	}
}

// stop stops a running query and records it as stopped.
func (qs *queries) stop(name string) (QueryStatus, error) {
	qs.mu.Lock()
	mq, ok := qs.byName[name]
	if !ok {
		qs.mu.Unlock()
		return QueryStatus{}, qs.unknown(name)
	}
	mq.mu.Lock()
	sq := mq.sq
	mq.stopping = true
	mq.stored.State = StateStopped
	mq.mu.Unlock()
	err := qs.saveLocked()
	qs.mu.Unlock()
	if sq != nil {
		sq.Stop()
	}
	if err != nil {
		return mq.status(), fmt.Errorf("driver: query %q stopped, but recording it failed (it may resume after a driver restart): %w", name, err)
	}
	qs.d.log.Info("driver: query stopped", "query", name)
	return mq.status(), nil
}

// restart stops the query if it runs and starts it again from its
// checkpoint with its last submitted plan.
func (qs *queries) restart(name string) (SubmitResponse, error) {
	if _, err := qs.stop(name); err != nil {
		var ae *apiError
		if errors.As(err, &ae) {
			return SubmitResponse{}, err
		}
	}
	qs.mu.Lock()
	mq := qs.byName[name]
	qs.mu.Unlock()
	mq.mu.Lock()
	stored := mq.stored
	mq.mu.Unlock()
	fresh, err := loadStored(stored)
	if err != nil {
		return SubmitResponse{}, refuse(http.StatusUnprocessableEntity, "%v", err)
	}
	fresh.stored.State, fresh.stored.Error = StateRunning, ""
	return qs.startNew(fresh)
}

// resume starts the stored queries whose desired state is running; the
// others are listed as stopped or failed.
func (qs *queries) resume() error {
	stored, err := qs.store.load()
	if err != nil {
		return err
	}
	qs.mu.Lock()
	defer qs.mu.Unlock()
	for _, s := range stored {
		mq, err := loadStored(s)
		if err != nil {
			s.State, s.Error = StateFailed, err.Error()
			mq = &managedQuery{stored: s}
		}
		qs.byName[s.Name] = mq
		if s.State != StateRunning || err != nil {
			continue
		}
		if err := qs.run(mq); err != nil {
			mq.stored.State, mq.stored.Error = StateFailed, err.Error()
			qs.d.log.Error("driver: cannot resume query", "query", s.Name, "err", err)
			continue
		}
		qs.d.log.Info("driver: resumed query from its checkpoint", "query", s.Name)
	}
	return qs.saveLocked()
}

// loadStored decodes a stored query's plan: the plan last submitted, or
// else the checkpoint's plan.json.
func loadStored(s storedQuery) (*managedQuery, error) {
	data := []byte(s.Plan)
	if len(data) == 0 {
		b, err := checkpoint.NewLocal(s.Checkpoint).ReadFile("plan.json")
		if err != nil {
			return nil, fmt.Errorf("driver: query %q: no stored plan and none in the checkpoint %s: %w", s.Name, s.Checkpoint, err)
		}
		data = b
	}
	q, err := plan.Unmarshal(data)
	if err != nil {
		return nil, fmt.Errorf("driver: query %q: the stored plan does not decode: %w", s.Name, err)
	}
	hash, err := plan.Hash(q)
	if err != nil {
		return nil, err
	}
	s.Plan = data
	return &managedQuery{stored: s, q: q, hash: hash}, nil
}

// close stops every run, keeping the desired states, so a restarted
// driver resumes the running queries.
func (qs *queries) close() {
	qs.mu.Lock()
	qs.closed = true
	var runs []*engine.StreamingQuery
	for _, mq := range qs.byName {
		mq.mu.Lock()
		if mq.sq != nil {
			runs = append(runs, mq.sq)
		}
		mq.mu.Unlock()
	}
	qs.mu.Unlock()
	for _, sq := range runs {
		sq.Stop()
	}
}

// get returns a query by name.
func (qs *queries) get(name string) (*managedQuery, error) {
	qs.mu.Lock()
	defer qs.mu.Unlock()
	mq, ok := qs.byName[name]
	if !ok {
		return nil, qs.unknown(name)
	}
	return mq, nil
}

// list returns every query's status, by name.
func (qs *queries) list() []QueryStatus {
	qs.mu.Lock()
	names := make([]string, 0, len(qs.byName))
	for n := range qs.byName {
		names = append(names, n)
	}
	qs.mu.Unlock()
	slices.Sort(names)
	out := make([]QueryStatus, 0, len(names))
	for _, n := range names {
		if mq, err := qs.get(n); err == nil {
			out = append(out, mq.status())
		}
	}
	return out
}

// unknown is the error for a query name the driver does not know; mu may
// be held.
func (qs *queries) unknown(name string) error {
	known := make([]string, 0, len(qs.byName))
	for n := range qs.byName {
		known = append(known, n)
	}
	slices.Sort(known)
	list := "none"
	if len(known) > 0 {
		list = strings.Join(known, ", ")
	}
	return &apiError{status: http.StatusNotFound, msg: fmt.Sprintf("driver: no query named %q (known: %s)", name, list)}
}

// saveLocked writes every query's stored record; mu is held.
func (qs *queries) saveLocked() error {
	names := make([]string, 0, len(qs.byName))
	for n := range qs.byName {
		names = append(names, n)
	}
	slices.Sort(names)
	out := make([]storedQuery, 0, len(names))
	for _, n := range names {
		mq := qs.byName[n]
		mq.mu.Lock()
		out = append(out, mq.stored)
		mq.mu.Unlock()
	}
	return qs.store.save(out)
}

// sameDir compares two folder names after cleaning them.
func sameDir(a, b string) bool {
	if a == b {
		return true
	}
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}
