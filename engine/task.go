package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/spate-io/spate/engine/batch"
	"github.com/spate-io/spate/engine/plan"
)

// TaskSpec is everything needed to run one task of a micro-batch, in this
// process or on an executor: it crosses process boundaries as JSON.
type TaskSpec struct {
	// QueryID and QueryName name the query (the checkpoint's id).
	QueryID   string `json:"queryId"`
	QueryName string `json:"queryName"`
	// RunID names this run of the query; it changes at every restart.
	RunID string `json:"runId"`
	// PlanHash identifies the query's plan (plan.Hash of Plan); executors
	// cache compiled plans by it.
	PlanHash string `json:"planHash"`
	// Plan is the query's plan JSON. A runner that knows the executor has
	// the plan already may leave it empty; Worker.RunTask then needs the
	// plan passed separately.
	Plan json.RawMessage `json:"plan,omitempty"`
	// BatchID, Timestamp and Watermark come from the batch's plan.
	BatchID   int64 `json:"batchId"`
	Timestamp int64 `json:"timestampMs"`
	Watermark int64 `json:"watermarkMs"`
	// Task is what to read.
	Task batch.Task `json:"task"`
	// Attempt counts retries of the task, from 0.
	Attempt int `json:"attempt"`
}

// Name is "query/batch/task", how logs and errors name a task.
func (s TaskSpec) Name() string {
	return fmt.Sprintf("%s/batch-%d/task-%d", s.QueryName, s.BatchID, s.Task.ID)
}

// TaskResult is what a task reports when it succeeds.
type TaskResult struct {
	TaskID int `json:"taskId"`
	// Commit is the sink's commit message for the task, handed to
	// StreamSink.CommitBatch.
	Commit json.RawMessage `json:"commit"`
	// RowsIn counts source rows read; RowsOut rows written to the sink.
	RowsIn  int64 `json:"rowsIn"`
	RowsOut int64 `json:"rowsOut"`
	// BytesIn and BytesOut are the Arrow buffer bytes of the records read
	// and written.
	BytesIn  int64 `json:"bytesIn"`
	BytesOut int64 `json:"bytesOut"`
	// Malformed and DroppedMalformed count FromJSON's bad records.
	Malformed        int64 `json:"malformed"`
	DroppedMalformed int64 `json:"droppedMalformed"`
	// EventTimeMin/Max bound the event times seen (Unix microseconds) when
	// HasEventTime.
	EventTimeMin int64 `json:"eventTimeMin,omitempty"`
	EventTimeMax int64 `json:"eventTimeMax,omitempty"`
	HasEventTime bool  `json:"hasEventTime,omitempty"`
	// DurationMs is the task's run time; Executor names where it ran.
	DurationMs int64  `json:"durationMs"`
	Executor   string `json:"executor,omitempty"`
	Attempt    int    `json:"attempt"`
}

// RunTask runs one task of q: it reads the task's ranges from the query's
// source, runs them through the compiled pipeline and writes the sink's
// task output, returning the sink's commit message. Sources and sinks are
// opened once per Worker and reused (a warm consumer per broker set).
func (w *Worker) RunTask(ctx context.Context, q *plan.Query, spec TaskSpec) (TaskResult, error) {
	start := time.Now()
	res, err := w.runTask(ctx, q, spec)
	if err != nil {
		return TaskResult{}, fmt.Errorf("engine: task %s (attempt %d): %w", spec.Name(), spec.Attempt, err)
	}
	res.DurationMs = time.Since(start).Milliseconds()
	res.Attempt = spec.Attempt
	return res, nil
}

func (w *Worker) runTask(ctx context.Context, q *plan.Query, spec TaskSpec) (TaskResult, error) {
	if spec.Task.Source < 0 || spec.Task.Source >= len(q.Sources) {
		return TaskResult{}, fmt.Errorf("task reads source %d but the plan has %d", spec.Task.Source, len(q.Sources))
	}
	reader, err := w.reader(ctx, q.Sources[spec.Task.Source])
	if err != nil {
		return TaskResult{}, err
	}
	sink, err := w.sink(q.Sink)
	if err != nil {
		return TaskResult{}, err
	}
	pipe, err := Compile(q, ExecEnv{Mem: w.mem, BatchID: spec.BatchID, Timestamp: spec.Timestamp, Source: spec.Task.Source, Ranges: spec.Task.Ranges})
	if err != nil {
		return TaskResult{}, err
	}
	info := TaskInfo{QueryID: spec.QueryID, QueryName: spec.QueryName, BatchID: spec.BatchID, TaskID: spec.Task.ID, Attempt: spec.Attempt}
	tw, err := sink.NewTaskWriter(ctx, info, pipe.OutputSchema())
	if err != nil {
		return TaskResult{}, fmt.Errorf("sink %s: %w", sink.Kind(), err)
	}
	var bytes byteCounts
	commit, err := readThrough(ctx, reader, pipe, w.faultWriter(tw, spec.BatchID), spec.Task.Ranges, &bytes)
	if err != nil {
		if aerr := tw.Abort(context.WithoutCancel(ctx)); aerr != nil {
			w.log.Warn("engine: abort of task output failed", "task", spec.Name(), "err", aerr)
		}
		return TaskResult{}, err
	}
	c := pipe.Counters()
	return TaskResult{
		TaskID: spec.Task.ID, Commit: commit, RowsIn: c.RowsIn, RowsOut: c.RowsOut,
		BytesIn: bytes.in, BytesOut: bytes.out, Malformed: c.Malformed, DroppedMalformed: c.DroppedMalformed,
		EventTimeMin: c.EventTimeMin, EventTimeMax: c.EventTimeMax, HasEventTime: c.HasEventTime,
		Executor: w.name,
	}, nil
}

// faultWriter wraps tw so that the worker's fault runs after each write.
func (w *Worker) faultWriter(tw TaskWriter, batchID int64) TaskWriter {
	if w.fault == nil {
		return tw
	}
	return &faultingWriter{TaskWriter: tw, fault: w.fault, batchID: batchID}
}

type faultingWriter struct {
	TaskWriter
	fault   Fault
	batchID int64
}

func (f *faultingWriter) Write(ctx context.Context, rec arrow.RecordBatch) error {
	if err := f.TaskWriter.Write(ctx, rec); err != nil {
		return err
	}
	if err := f.fault(MidTask, f.batchID); err != nil {
		return Permanent(fmt.Errorf("fault injected mid-task: %w", err))
	}
	return nil
}

// recordBytes is the size of rec's Arrow buffers (slices count whole).
func recordBytes(rec arrow.RecordBatch) int64 {
	var n int64
	for _, col := range rec.Columns() {
		n += dataBytes(col.Data())
	}
	return n
}

func dataBytes(d arrow.ArrayData) int64 {
	var n int64
	for _, b := range d.Buffers() {
		if b != nil {
			n += int64(b.Len())
		}
	}
	for _, c := range d.Children() {
		n += dataBytes(c)
	}
	return n
}

// byteCounts sums the Arrow bytes a task read and wrote.
type byteCounts struct{ in, out int64 }

// readThrough reads every range through the pipeline into the task writer
// and commits the writer.
func readThrough(ctx context.Context, r RangeReader, pipe *Pipeline, tw TaskWriter, ranges []batch.Range, n *byteCounts) (json.RawMessage, error) {
	write := func(out arrow.RecordBatch) error {
		n.out += recordBytes(out)
		return tw.Write(ctx, out)
	}
	for _, rg := range ranges {
		err := r.ReadRange(ctx, rg, func(rec arrow.RecordBatch) error {
			defer rec.Release()
			n.in += recordBytes(rec)
			return pipe.Process(ctx, rec, write)
		})
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", rg, err)
		}
	}
	commit, err := tw.Commit(ctx)
	if err != nil {
		return nil, fmt.Errorf("commit task output: %w", err)
	}
	return commit, nil
}
