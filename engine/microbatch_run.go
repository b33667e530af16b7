package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spate-io/spate/engine/checkpoint"
	"github.com/spate-io/spate/engine/plan"
)

// RunOptions say how RunQuery runs a query. The zero value runs it in this
// process.
type RunOptions struct {
	// Runner runs each batch's tasks. The default runs them in this process
	// on a LocalRunner.
	Runner TaskRunner
	// Mem allocates the records of local tasks. The default is
	// memory.DefaultAllocator.
	Mem memory.Allocator
	// Logger receives the query's log; the default is slog.Default().
	Logger *slog.Logger
	// OnProgress is called after each committed batch, on the query's
	// goroutine.
	OnProgress func(Progress)
	// PollInterval is how long a query whose trigger interval is 0 waits
	// before looking again when it found no new data. The default is 10ms.
	PollInterval time.Duration
	// MinBatchesToRetain is how many batches the checkpoint keeps. The
	// default is 100 (Spark's spark.sql.streaming.minBatchesToRetain).
	MinBatchesToRetain int
	// MaxBackoff caps the wait between retries when a source cannot be
	// reached. The default is 10s.
	MaxBackoff time.Duration
	// Now is the clock; the default is time.Now.
	Now func() time.Time
	// Sources and Sink, when set, are the live connectors of the plan's
	// sources (in plan order) and sink, used instead of decoding the plan's
	// descriptions: local mode keeps what the job built (an output writer,
	// an allocator) that JSON does not carry.
	Sources []StreamSource
	Sink    StreamSink
	// Fault, when set, is called at every step of every batch (see
	// FaultPoint); tests use it to stop a query mid-protocol. MidTask is
	// called by local tasks after each record they write.
	Fault Fault
}

func (o *RunOptions) defaults() {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Mem == nil {
		o.Mem = memory.DefaultAllocator
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 10 * time.Millisecond
	}
	if o.MinBatchesToRetain <= 0 {
		o.MinBatchesToRetain = checkpoint.DefaultMinBatchesToRetain
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 10 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Start runs the streaming query in this process (local mode) and returns
// its handle. Cancelling ctx stops it, as Stop does.
func (w *StreamWriter) Start(ctx context.Context) (*StreamingQuery, error) {
	q, err := w.Plan()
	if err != nil {
		return nil, err
	}
	return w.runLocal(ctx, q, RunOptions{})
}

// runLocal runs the writer's plan q in this process with the job's live
// connectors and allocator (what Start and a job's run verb share).
func (w *StreamWriter) runLocal(ctx context.Context, q *plan.Query, opts RunOptions) (*StreamingQuery, error) {
	opts.Mem, opts.Sources, opts.Sink = w.df.s.mem, w.Sources(), w.sink
	return RunQuery(ctx, q, opts)
}

// RunQuery runs a streaming query plan: it opens the checkpoint (recovering
// an unfinished batch), then plans, runs and commits micro-batches until the
// trigger is done, ctx ends, Stop is called or a batch fails. The driver
// runs submitted plans with it, passing a Runner that schedules tasks on
// executors.
func RunQuery(ctx context.Context, q *plan.Query, opts RunOptions) (*StreamingQuery, error) {
	opts.defaults()
	ex, err := newExecution(ctx, q, opts)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	sq := &StreamingQuery{id: ex.ckpt.Metadata().ID, runID: newRunID(), name: q.Name, cancel: cancel,
		done: make(chan struct{}), progress: progressRing{n: 100}}
	sq.status = Status{Message: "Initializing sources"}
	ex.sq = sq
	go func() {
		err := ex.run(ctx)
		ex.close()
		if ctx.Err() != nil && err != nil && isCancel(err) {
			err = nil // stopped by the user, not failed
		}
		if err != nil {
			opts.Logger.Error("engine: query failed", "query", q.Name, "id", sq.id, "err", err)
		}
		sq.finish(err)
	}()
	return sq, nil
}

// checkpointDir is the query's checkpoint location; an ephemeral sink
// (memory, console, foreachBatch) gets a temporary one when none is set,
// as in Spark.
func checkpointDir(q *plan.Query, sink StreamSink) (dir string, temporary bool, err error) {
	if q.Checkpoint != "" {
		return q.Checkpoint, false, nil
	}
	if e, ok := sink.(EphemeralSink); ok && e.Ephemeral() {
		dir, err := os.MkdirTemp("", "spate-checkpoint-*")
		if err != nil {
			return "", false, fmt.Errorf("engine: temporary checkpoint: %w", err)
		}
		return dir, true, nil
	}
	return "", false, fmt.Errorf("engine: query %q writes to %s and needs a checkpoint location: call Checkpoint(dir) on the stream writer", q.Name, q.Sink.Kind)
}

// checkpointHash identifies what a checkpoint's offsets mean: the operators
// and the kinds of source and sink. Trigger, name, options and source
// limits may change between runs, as in Spark.
func checkpointHash(q *plan.Query) (string, error) {
	shape := &plan.Query{Version: q.Version, Root: q.Root, OutputMode: q.OutputMode}
	for _, s := range q.Sources {
		shape.Sources = append(shape.Sources, plan.Source{Kind: s.Kind, Options: []byte("{}"), Schema: s.Schema, Streaming: s.Streaming})
	}
	if q.Sink != nil {
		shape.Sink = &plan.Sink{Kind: q.Sink.Kind, Options: []byte("{}")}
	}
	return plan.Hash(shape)
}

func newRunID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func isCancel(err error) bool { return errors.Is(err, context.Canceled) }
