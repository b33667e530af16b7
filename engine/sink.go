package engine

import (
	"context"
	"encoding/json"

	"github.com/apache/arrow-go/v18/arrow"
)

// Sink is a connector that receives a query's output. Kind and Options are
// its description in the serialized plan; RegisterSink maps the kind back to
// a constructor.
type Sink interface {
	// Kind names the connector as registered with RegisterSink ("parquet").
	Kind() string
	// Options returns the connector's options as a JSON-marshalable value.
	Options() any
}

// StreamSink is a Sink a streaming query writes to, batch by batch, with
// exactly-once output: tasks write their part (on executors), then the
// driver commits the batch once every task succeeded.
type StreamSink interface {
	Sink
	// NewTaskWriter starts the output of one task of a batch. Output must be
	// deterministic in (BatchID, TaskID) and the records written, so that a
	// replayed batch produces the same result, and invisible to readers (or
	// harmlessly replaced) until the batch is committed.
	NewTaskWriter(ctx context.Context, task TaskInfo, schema *arrow.Schema) (TaskWriter, error)
	// CommitBatch makes batch BatchID's output visible, given every task's
	// commit message in task ID order. It runs on the driver and must be
	// idempotent: after a crash the same batch may be committed again with
	// the same messages.
	CommitBatch(ctx context.Context, batchID int64, commits []json.RawMessage) error
}

// TaskInfo names the task a TaskWriter writes for.
type TaskInfo struct {
	QueryID   string `json:"queryId"`
	QueryName string `json:"queryName"`
	BatchID   int64  `json:"batchId"`
	TaskID    int    `json:"taskId"`
	// Attempt counts retries of the task from 0; output names must not
	// depend on it.
	Attempt int `json:"attempt"`
}

// TaskWriter writes one task's output.
type TaskWriter interface {
	// Write appends a record; the writer does not take ownership (it
	// retains what it keeps).
	Write(ctx context.Context, rec arrow.RecordBatch) error
	// Commit finishes the task's output and returns the message the driver
	// passes to CommitBatch (file names, row counts; for in-memory sinks the
	// rows as Arrow IPC). It is JSON so it can cross process boundaries.
	Commit(ctx context.Context) (json.RawMessage, error)
	// Abort discards what the task wrote, best effort.
	Abort(ctx context.Context) error
}

// SinkDecoder rebuilds a sink from its Options JSON.
type SinkDecoder func(options json.RawMessage) (Sink, error)

// EphemeralSink is a StreamSink whose output does not outlive the process
// (memory, console, foreachBatch). A query writing to one may run without
// a checkpoint location: it gets a temporary one, as in Spark.
type EphemeralSink interface {
	StreamSink
	// Ephemeral reports whether the sink keeps nothing across restarts.
	Ephemeral() bool
}
