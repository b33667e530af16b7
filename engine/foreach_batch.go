package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

const foreachBatchKind = "foreachBatch"

// BatchFunc receives every row of a committed micro-batch. It may be called
// again with the same batchID after a restart (the batch is replayed), so
// it should write idempotently, keyed by batchID, as in Spark.
type BatchFunc func(ctx context.Context, batchID int64, rows arrow.Table) error

// ForeachBatch is a sink that hands each batch's rows to fn (Spark's
// foreachBatch). fn is a Go function of this process, so a query using it
// runs only in local mode; the plan names it by a process-local id.
func ForeachBatch(fn BatchFunc) StreamSink {
	id := fmt.Sprintf("fb-%d", foreachFuncs.next.Add(1))
	s := &foreachSink{id: id, fn: fn, parts: map[string][]arrow.RecordBatch{}}
	foreachFuncs.Lock()
	foreachFuncs.sinks[id] = s
	foreachFuncs.Unlock()
	return s
}

// foreachFuncs maps ids in plans to this process's ForeachBatch sinks.
var foreachFuncs = struct {
	sync.Mutex
	next  atomic.Int64
	sinks map[string]*foreachSink
}{sinks: map[string]*foreachSink{}}

func init() {
	RegisterSink(foreachBatchKind, func(options json.RawMessage) (Sink, error) {
		var o foreachOptions
		if err := json.Unmarshal(options, &o); err != nil {
			return nil, fmt.Errorf("bad options: %v", err)
		}
		foreachFuncs.Lock()
		defer foreachFuncs.Unlock()
		s, ok := foreachFuncs.sinks[o.ID]
		if !ok {
			return nil, fmt.Errorf("function %s is not in this process: ForeachBatch runs only in local mode, in the program that defined it", o.ID)
		}
		return s, nil
	})
}

type foreachOptions struct {
	ID string `json:"id"`
}

type foreachSink struct {
	id string
	fn BatchFunc

	mu     sync.Mutex
	parts  map[string][]arrow.RecordBatch // task output by commit key
	schema *arrow.Schema
}

func (s *foreachSink) Kind() string { return foreachBatchKind }
func (s *foreachSink) Options() any { return foreachOptions{ID: s.id} }

// Ephemeral is true: the function's effects are the user's to keep.
func (s *foreachSink) Ephemeral() bool { return true }

func (s *foreachSink) NewTaskWriter(_ context.Context, t TaskInfo, schema *arrow.Schema) (TaskWriter, error) {
	key := fmt.Sprintf("%d/%d/%d", t.BatchID, t.TaskID, t.Attempt)
	s.mu.Lock()
	s.schema = schema
	s.mu.Unlock()
	return &foreachWriter{s: s, key: key}, nil
}

// CommitBatch hands the batch's rows, in task order, to the function.
func (s *foreachSink) CommitBatch(ctx context.Context, batchID int64, commits []json.RawMessage) error {
	var recs []arrow.RecordBatch
	s.mu.Lock()
	schema := s.schema
	for _, c := range commits {
		var key string
		if err := json.Unmarshal(c, &key); err != nil {
			s.mu.Unlock()
			return fmt.Errorf("foreachBatch: bad task commit %s", c)
		}
		recs = append(recs, s.parts[key]...)
		delete(s.parts, key)
	}
	s.mu.Unlock()
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	if schema == nil {
		return nil // no task ran: nothing to hand over
	}
	tbl := array.NewTableFromRecords(schema, recs)
	defer tbl.Release()
	if err := s.fn(ctx, batchID, tbl); err != nil {
		return fmt.Errorf("foreachBatch: batch %d: %w", batchID, err)
	}
	return nil
}

type foreachWriter struct {
	s    *foreachSink
	key  string
	recs []arrow.RecordBatch
}

func (w *foreachWriter) Write(_ context.Context, rec arrow.RecordBatch) error {
	rec.Retain()
	w.recs = append(w.recs, rec)
	return nil
}

func (w *foreachWriter) Commit(context.Context) (json.RawMessage, error) {
	w.s.mu.Lock()
	w.s.parts[w.key] = w.recs
	w.s.mu.Unlock()
	w.recs = nil
	return json.Marshal(w.key)
}

func (w *foreachWriter) Abort(context.Context) error {
	for _, r := range w.recs {
		r.Release()
	}
	w.recs = nil
	return nil
}
