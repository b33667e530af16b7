package engine

import (
	"context"
	"errors"
	"sync"
	"time"
)

// StreamingQuery is a running streaming query: a handle to watch, wait for
// and stop it (Spark's StreamingQuery).
type StreamingQuery struct {
	id, runID, name string

	cancel context.CancelFunc
	done   chan struct{}

	mu       sync.Mutex
	err      error
	progress progressRing
	status   Status
	batches  int64 // committed batches of this run
	looks    int64 // looks for new data started
	idleAt   int64 // the latest look that found no new data
}

// Status is what a query is doing now (Spark's StreamingQueryStatus).
type Status struct {
	Message         string `json:"message"`
	IsDataAvailable bool   `json:"isDataAvailable"`
	IsTriggerActive bool   `json:"isTriggerActive"`
}

// ID is the query's id, stable across restarts from the same checkpoint.
func (q *StreamingQuery) ID() string { return q.id }

// RunID names this run of the query; every start makes a new one.
func (q *StreamingQuery) RunID() string { return q.runID }

// Name is the query's name.
func (q *StreamingQuery) Name() string { return q.name }

// Done is closed when the query has stopped, by Stop, by its trigger
// (AvailableNow, Once) or by an error.
func (q *StreamingQuery) Done() <-chan struct{} { return q.done }

// IsActive reports whether the query still runs.
func (q *StreamingQuery) IsActive() bool {
	select {
	case <-q.done:
		return false
	default:
		return true
	}
}

// Err is the error that stopped the query, nil while it runs or when it
// stopped cleanly (Spark's exception()).
func (q *StreamingQuery) Err() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.err
}

// Stop stops the query after the task in flight is cancelled and waits for
// it. The checkpoint stays consistent: an unfinished batch reruns at the
// next start. It returns the query's error, if it had failed.
func (q *StreamingQuery) Stop() error {
	q.cancel()
	<-q.done
	return q.Err()
}

// AwaitTermination waits until the query stops or ctx ends, and returns the
// query's error (or ctx's).
func (q *StreamingQuery) AwaitTermination(ctx context.Context) error {
	select {
	case <-q.done:
		return q.Err()
	case <-ctx.Done():
		return ctx.Err()
	}
}

// LastProgress is the progress of the most recent batch, if any.
func (q *StreamingQuery) LastProgress() (Progress, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.progress.recs) == 0 {
		return Progress{}, false
	}
	return q.progress.recs[len(q.progress.recs)-1], true
}

// RecentProgress is the progress of the last batches, oldest first
// (at most 100, Spark's spark.sql.streaming.numRecentProgressUpdates).
func (q *StreamingQuery) RecentProgress() []Progress {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]Progress(nil), q.progress.recs...)
}

// Status is what the query is doing now.
func (q *StreamingQuery) Status() Status {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.status
}

// ProcessAllAvailable waits until every row available when it was called
// has been processed and committed: a look for new data that began after
// the call found none. For tests and demos.
func (q *StreamingQuery) ProcessAllAvailable(ctx context.Context) error {
	q.mu.Lock()
	target := q.looks + 1
	q.mu.Unlock()
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		q.mu.Lock()
		idleAt, err := q.idleAt, q.err
		q.mu.Unlock()
		if err != nil {
			return err
		}
		if idleAt >= target {
			return nil
		}
		select {
		case <-q.done:
			if err := q.Err(); err != nil {
				return err
			}
			q.mu.Lock()
			idleAt = q.idleAt
			q.mu.Unlock()
			if idleAt >= target {
				return nil
			}
			return errors.New("engine: query stopped before processing all available data")
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

func (q *StreamingQuery) setStatus(msg string, dataAvailable, triggerActive bool) {
	q.mu.Lock()
	q.status = Status{Message: msg, IsDataAvailable: dataAvailable, IsTriggerActive: triggerActive}
	q.mu.Unlock()
}

// startLook numbers a look for new data; foundNothing records that look
// found none (see ProcessAllAvailable).
func (q *StreamingQuery) startLook() int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.looks++
	return q.looks
}

func (q *StreamingQuery) foundNothing(look int64) {
	q.mu.Lock()
	q.idleAt = max(q.idleAt, look)
	q.mu.Unlock()
}

func (q *StreamingQuery) addProgress(p Progress) {
	q.mu.Lock()
	q.progress.add(p)
	q.batches++
	q.mu.Unlock()
}

func (q *StreamingQuery) finish(err error) {
	q.mu.Lock()
	q.err = err
	msg := "Stopped"
	if err != nil {
		msg = "Terminated with error: " + err.Error()
	}
	q.status = Status{Message: msg}
	q.mu.Unlock()
	close(q.done)
}
