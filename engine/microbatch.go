package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/spate-io/spate/engine/batch"
	"github.com/spate-io/spate/engine/checkpoint"
	"github.com/spate-io/spate/engine/plan"
)

// execution is one run of a streaming query: Spark's MicroBatchExecution.
// The loop follows the checkpoint protocol (see package checkpoint): plan
// batch N and write offsets/N before any task runs, run the tasks, commit
// the sink, write commits/N, then commit the end offsets to the source
// (the Kafka consumer group) and purge old batches.
type execution struct {
	q       *plan.Query
	opts    RunOptions
	sq      *StreamingQuery
	ckpt    *checkpoint.Checkpoint
	tmpDir  string // a temporary checkpoint to remove at the end
	plan    []byte
	hash    string
	srcs    []StreamSource
	streams []Stream
	sink    StreamSink
	runner  TaskRunner
	worker  *Worker // the local runner's, closed at the end
	mode    batch.Mode

	start     []batch.Offsets // where the next batch starts, per source
	targets   []batch.Offsets // AvailableNow/Once: where to stop
	nextID    int64
	lastBatch time.Time
}

func newExecution(ctx context.Context, q *plan.Query, opts RunOptions) (*execution, error) {
	if q.Sink == nil {
		return nil, fmt.Errorf("engine: query %q has no sink", q.Name)
	}
	ex := &execution{q: q, opts: opts, runner: opts.Runner, mode: triggerMode(q.Trigger)}
	var err error
	if ex.plan, err = plan.Marshal(q); err != nil {
		return nil, err
	}
	if ex.hash, err = plan.Hash(q); err != nil {
		return nil, err
	}
	if err := ex.decodeConnectors(); err != nil {
		return nil, err
	}
	// Local mode analyses the plan here, before any batch. With a remote
	// runner the executors compile it: they, not this process, must have
	// the plan's UDFs (the driver checks that at submit).
	if opts.Runner == nil {
		if _, err := OutputSchema(q); err != nil {
			return nil, err
		}
	}
	if err := ex.openCheckpoint(); err != nil {
		return nil, err
	}
	if ex.runner == nil {
		ex.worker = NewWorker("local", opts.Mem, opts.Logger)
		ex.worker.SetFault(opts.Fault)
		if opts.Sources != nil || opts.Sink != nil {
			ex.worker.preset(q, ex.srcs, ex.sink)
		}
		ex.runner = &LocalRunner{Worker: ex.worker}
	}
	return ex, nil
}

// decodeConnectors rebuilds the plan's sources and sink from the registry,
// telling sources the query's name (the Kafka source's default group).
func (ex *execution) decodeConnectors() error {
	if ex.opts.Sources != nil && len(ex.opts.Sources) != len(ex.q.Sources) {
		return fmt.Errorf("engine: query %q: %d live sources for a plan of %d", ex.q.Name, len(ex.opts.Sources), len(ex.q.Sources))
	}
	for i, s := range ex.q.Sources {
		if !s.Streaming {
			return fmt.Errorf("engine: query %q: source %d (%s) is static; a streaming query reads only streaming sources", ex.q.Name, i, s.Kind)
		}
		ss, err := ex.streamSource(i, s)
		if err != nil {
			return err
		}
		if named, ok := ss.(interface{ WithQueryName(string) StreamSource }); ok {
			ss = named.WithQueryName(ex.q.Name)
		}
		ex.srcs = append(ex.srcs, ss)
	}
	if ex.opts.Sink != nil {
		ex.sink = ex.opts.Sink
		return nil
	}
	snk, err := DecodeSink(ex.q.Sink.Kind, ex.q.Sink.Options)
	if err != nil {
		return err
	}
	ss, ok := snk.(StreamSink)
	if !ok {
		return fmt.Errorf("engine: sink %s cannot be written by a streaming query", ex.q.Sink.Kind)
	}
	ex.sink = ss
	return nil
}

// streamSource is source i: the live one when given, else decoded.
func (ex *execution) streamSource(i int, s plan.Source) (StreamSource, error) {
	if ex.opts.Sources != nil {
		return ex.opts.Sources[i], nil
	}
	src, err := DecodeSource(s.Kind, s.Options)
	if err != nil {
		return nil, err
	}
	ss, ok := src.(StreamSource)
	if !ok {
		return nil, fmt.Errorf("engine: source %s cannot be read in micro-batches", s.Kind)
	}
	return ss, nil
}

func (ex *execution) openCheckpoint() error {
	dir, tmp, err := checkpointDir(ex.q, ex.sink)
	if err != nil {
		return err
	}
	if tmp {
		ex.tmpDir = dir
	}
	hash, err := checkpointHash(ex.q)
	if err != nil {
		return err
	}
	ex.ckpt, err = checkpoint.Open(dir, checkpoint.Metadata{Name: ex.q.Name, PlanHash: hash}, ex.plan)
	if err != nil {
		return fmt.Errorf("engine: query %q: %w", ex.q.Name, err)
	}
	return nil
}

func triggerMode(t *plan.Trigger) batch.Mode {
	if t == nil {
		return batch.ModeStreaming
	}
	switch t.Kind {
	case plan.TriggerAvailableNow:
		return batch.ModeAvailableNow
	case plan.TriggerOnce:
		return batch.ModeOnce
	}
	return batch.ModeStreaming
}

func (ex *execution) interval() time.Duration {
	if ex.q.Trigger == nil {
		return 0
	}
	return time.Duration(ex.q.Trigger.Interval)
}

// run is the query's loop.
func (ex *execution) run(ctx context.Context) error {
	if err := ex.openStreams(ctx); err != nil {
		return err
	}
	if err := ex.recover(ctx); err != nil {
		return err
	}
	next := ex.opts.Now()
	for {
		if err := ex.waitUntil(ctx, next); err != nil {
			return err
		}
		started := ex.opts.Now()
		ran, done, wait, err := ex.step(ctx)
		if err != nil || done {
			return err
		}
		switch {
		case !ran && !wait.IsZero(): // a source holds back until then
			next = wait
		case ex.interval() > 0:
			next = nextTrigger(started, ex.interval(), ex.opts.Now())
		case ran:
			next = ex.opts.Now()
		default:
			next = ex.opts.Now().Add(ex.opts.PollInterval)
		}
	}
}

// nextTrigger is the first multiple of interval after started that is not
// in the past: a batch longer than the interval starts the next at once.
func nextTrigger(started time.Time, interval time.Duration, now time.Time) time.Time {
	next := started.Add(interval)
	if next.Before(now) {
		return now
	}
	return next
}

func (ex *execution) waitUntil(ctx context.Context, t time.Time) error {
	d := t.Sub(ex.opts.Now())
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

func (ex *execution) openStreams(ctx context.Context) error {
	for _, src := range ex.srcs {
		st, err := retryValue(ctx, ex, "open source "+src.Kind(), func() (Stream, error) { return src.OpenStream(ctx) })
		if err != nil {
			return err
		}
		ex.streams = append(ex.streams, st)
	}
	return nil
}

// recover decides where the query resumes: a fresh query starts at the
// sources' initial offsets, a planned but uncommitted batch N reruns with
// exactly its recorded plan, a committed batch N continues with N+1.
func (ex *execution) recover(ctx context.Context) error {
	rec, err := ex.ckpt.Recover()
	if err != nil {
		return fmt.Errorf("engine: query %q: %w", ex.q.Name, err)
	}
	switch rec.Action {
	case checkpoint.Fresh:
		for i, st := range ex.streams {
			off, err := retryValue(ctx, ex, "initial offsets of "+ex.srcs[i].Kind(), func() (batch.Offsets, error) { return st.InitialOffsets(ctx) })
			if err != nil {
				return err
			}
			ex.start = append(ex.start, off)
		}
	case checkpoint.Rerun:
		ex.opts.Logger.Info("engine: rerunning the unfinished batch from the checkpoint", "query", ex.q.Name, "batch", rec.Plan.ID)
		ex.nextID = rec.Plan.ID
		if err := ex.setStart(rec.Plan, false); err != nil {
			return err
		}
		if err := ex.runBatch(ctx, rec.Plan, nil, true); err != nil {
			return err
		}
	case checkpoint.Continue:
		ex.nextID = rec.NextBatchID
		if err := ex.setStart(rec.Plan, true); err != nil {
			return err
		}
	}
	return ex.fixTargets(ctx)
}

// setStart makes a recorded batch's start offsets (rerun) or end offsets
// (continue, after the batch) the place the loop reads from.
func (ex *execution) setStart(p batch.Plan, after bool) error {
	if len(p.Sources) != len(ex.streams) {
		return fmt.Errorf("engine: query %q: the checkpoint's batch %d has %d sources, the plan %d; start the changed query on a new checkpoint",
			ex.q.Name, p.ID, len(p.Sources), len(ex.streams))
	}
	ex.start = make([]batch.Offsets, len(p.Sources))
	for i, s := range p.Sources {
		ex.start[i] = s.Start
		if after {
			ex.start[i] = s.End
		}
	}
	return nil
}

// fixTargets snapshots where AvailableNow and Once stop: the latest
// offsets when the query starts.
func (ex *execution) fixTargets(ctx context.Context) error {
	if ex.mode == batch.ModeStreaming {
		return nil
	}
	for i := range ex.streams {
		latest, err := ex.latest(ctx, i)
		if err != nil {
			return err
		}
		ex.targets = append(ex.targets, latest)
	}
	return nil
}

// step looks for new data and, when there is, plans, runs and commits one
// batch. done is true when the trigger has nothing more to do; wait is when
// to look again when a source holds back (MinOffsetsPerTrigger).
func (ex *execution) step(ctx context.Context) (ran, done bool, wait time.Time, err error) {
	look := ex.sq.startLook()
	ex.sq.setStatus("Getting offsets from sources", false, true)
	in := batch.PlanInput{BatchID: ex.nextID, Mode: ex.mode, Now: ex.opts.Now(), LastBatch: ex.lastBatch}
	latestStart := time.Now()
	latest := make([]batch.Offsets, len(ex.streams))
	for i, st := range ex.streams {
		if latest[i], err = ex.latest(ctx, i); err != nil {
			return false, false, time.Time{}, err
		}
		earliest, err := retryValue(ctx, ex, "earliest offsets of "+ex.srcs[i].Kind(), func() (batch.Offsets, error) { return st.EarliestOffsets(ctx) })
		if err != nil {
			return false, false, time.Time{}, err
		}
		si := batch.SourceInput{Start: ex.start[i], Latest: latest[i], Earliest: earliest, Limits: st.Limits()}
		if ex.targets != nil {
			si.Target = ex.targets[i]
		}
		in.Sources = append(in.Sources, si)
	}
	latestMs := time.Since(latestStart).Milliseconds()
	out, err := batch.Next(in)
	if err != nil {
		return false, false, time.Time{}, fmt.Errorf("engine: query %q: plan batch %d: %w", ex.q.Name, ex.nextID, err)
	}
	if err := ex.checkDataLoss(out); err != nil {
		return false, false, time.Time{}, err
	}
	if !out.Run {
		ex.sq.foundNothing(look)
		ex.sq.setStatus("Waiting for data to arrive", false, false)
		return false, out.Done, out.WaitUntil, nil
	}
	if err := ex.runBatch(ctx, out.Plan, &batchTiming{latestOffset: latestMs, latest: latest}, false); err != nil {
		return false, false, time.Time{}, err
	}
	return true, out.Done, time.Time{}, nil
}

func (ex *execution) latest(ctx context.Context, i int) (batch.Offsets, error) {
	return retryValue(ctx, ex, "latest offsets of "+ex.srcs[i].Kind(), func() (batch.Offsets, error) { return ex.streams[i].LatestOffsets(ctx) })
}

// checkDataLoss fails the query on lost offsets unless the source says to
// skip them (Kafka's FailOnDataLoss(false)), in which case they are logged.
func (ex *execution) checkDataLoss(out batch.PlanOutput) error {
	for _, dl := range out.DataLoss {
		if failOnDataLoss(ex.streams[dl.Source]) {
			return Permanent(fmt.Errorf("engine: query %q: %w", ex.q.Name, out.DataLossError()))
		}
		ex.opts.Logger.Warn("engine: skipping lost offsets", "query", ex.q.Name, "partition", dl.TopicPartition.String(),
			"from", dl.From, "until", dl.Until, "kind", dl.Kind)
	}
	return nil
}

// failOnDataLoss asks a stream whether lost offsets fail the query; the
// default is yes.
func failOnDataLoss(st Stream) bool {
	if p, ok := st.(interface{ FailOnDataLoss() bool }); ok {
		return p.FailOnDataLoss()
	}
	return true
}

// retry calls fn until it succeeds or ctx ends, backing off exponentially
// from 100ms to MaxBackoff: an unreachable broker makes the query wait and
// say why in its status, not spin and not die.
func (ex *execution) retry(ctx context.Context, what string, fn func() error) error {
	backoff := 100 * time.Millisecond
	for attempt := 0; ; attempt++ {
		err := fn()
		if err == nil {
			if attempt > 0 {
				ex.opts.Logger.Info("engine: source reachable again", "query", ex.q.Name, "what", what)
			}
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !Retryable(err) {
			return err
		}
		msg := fmt.Sprintf("Retrying %s in %s: %v", what, backoff, err)
		ex.sq.setStatus(msg, false, true)
		ex.opts.Logger.Warn("engine: "+what+" failed, retrying", "query", ex.q.Name, "in", backoff, "attempt", attempt+1, "err", err)
		if err := ex.waitUntil(ctx, ex.opts.Now().Add(backoff)); err != nil {
			return err
		}
		backoff = min(backoff*2, ex.opts.MaxBackoff)
	}
}

// retryValue is retry for a call that returns a value.
func retryValue[T any](ctx context.Context, ex *execution, what string, fn func() (T, error)) (T, error) {
	var v T
	err := ex.retry(ctx, what, func() error {
		var err error
		v, err = fn()
		return err
	})
	return v, err
}

func (ex *execution) close() {
	for _, st := range ex.streams {
		if err := st.Close(); err != nil {
			ex.opts.Logger.Warn("engine: closing source", "query", ex.q.Name, "err", err)
		}
	}
	if ex.worker != nil {
		if err := ex.worker.Close(); err != nil {
			ex.opts.Logger.Warn("engine: closing readers", "query", ex.q.Name, "err", err)
		}
	}
	if ex.tmpDir != "" {
		os.RemoveAll(ex.tmpDir)
	}
}

// commitsOf collects the tasks' sink commit messages in task order.
func commitsOf(results []TaskResult) []json.RawMessage {
	commits := make([]json.RawMessage, len(results))
	for i, r := range results {
		commits[i] = r.Commit
	}
	return commits
}
