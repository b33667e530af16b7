package driver

import (
	"sync"

	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/engine/plan"
)

// managedQuery is one query the driver knows: its stored record, its plan
// and, while it runs, the engine's handle.
type managedQuery struct {
	mu     sync.Mutex
	stored storedQuery
	q      *plan.Query
	hash   string
	sq     *engine.StreamingQuery
	// waiting is the runner's "Waiting for executors" message, shown
	// instead of the engine's status while it is set.
	waiting string
	// stopping is set by a user stop, so the end of the run is not taken
	// for a failure.
	stopping bool
}

func (mq *managedQuery) setWaiting(msg string) {
	mq.mu.Lock()
	mq.waiting = msg
	mq.mu.Unlock()
}

// running reports whether the query's run is active.
func (mq *managedQuery) running() bool {
	mq.mu.Lock()
	defer mq.mu.Unlock()
	return mq.sq != nil && mq.sq.IsActive()
}

// status builds the API's view of the query.
func (mq *managedQuery) status() QueryStatus {
	mq.mu.Lock()
	defer mq.mu.Unlock()
	st := QueryStatus{Name: mq.stored.Name, State: mq.stored.State, Checkpoint: mq.stored.Checkpoint, PlanHash: mq.hash,
		SubmittedAt: mq.stored.SubmittedAt, Error: mq.stored.Error, BatchID: -1, Sources: []SourceStatus{}}
	if mq.sq == nil {
		st.Message = stoppedMessage(mq.stored)
		return st
	}
	st.ID, st.RunID = mq.sq.ID(), mq.sq.RunID()
	es := mq.sq.Status()
	st.Message, st.IsDataAvailable, st.IsTriggerActive = es.Message, es.IsDataAvailable, es.IsTriggerActive
	switch {
	case mq.sq.IsActive():
		st.State = StateRunning
		if mq.waiting != "" {
			st.Message, st.WaitingForExecutors = mq.waiting, true
		}
	case st.State == StateRunning:
		st.State = StateStopped // ended by its trigger, or the driver is closing
	}
	if st.State == StateFailed {
		st.Message = stoppedMessage(mq.stored)
	}
	if p, ok := mq.sq.LastProgress(); ok {
		fillProgress(&st, p)
	}
	return st
}

func stoppedMessage(s storedQuery) string {
	if s.State == StateFailed {
		return "Terminated with error: " + s.Error
	}
	return "Stopped"
}

func fillProgress(st *QueryStatus, p engine.Progress) {
	st.BatchID, st.NumInputRows = p.BatchID, p.NumInputRows
	st.InputRowsPerSecond, st.ProcessedRowsPerSecond = p.InputRowsPerSecond, p.ProcessedRowsPerSecond
	for _, s := range p.Sources {
		st.Sources = append(st.Sources, SourceStatus{Description: s.Description, StartOffset: s.StartOffset,
			EndOffset: s.EndOffset, LatestOffset: s.LatestOffset, Metrics: s.Metrics})
	}
	st.LastProgress = &p
}

// recentProgress returns the progress of the last batches of this run,
// oldest first.
func (mq *managedQuery) recentProgress() []engine.Progress {
	mq.mu.Lock()
	sq := mq.sq
	mq.mu.Unlock()
	if sq == nil {
		return []engine.Progress{}
	}
	return sq.RecentProgress()
}
