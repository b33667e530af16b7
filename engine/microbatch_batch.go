package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/spate-io/spate/engine/batch"
	"github.com/spate-io/spate/engine/checkpoint"
)

// batchTiming carries what step measured before the batch ran.
type batchTiming struct {
	latestOffset int64           // ms spent listing offsets
	latest       []batch.Offsets // the latest offsets seen, per source
}

// runBatch runs one planned batch through the protocol: offsets/N (unless
// rerun: it is already there), tasks, sink commit, commits/N, source
// commit, purge, progress.
func (ex *execution) runBatch(ctx context.Context, p batch.Plan, t *batchTiming, rerun bool) error {
	begin := time.Now()
	if t == nil {
		t = &batchTiming{}
	}
	dur := map[string]int64{"latestOffset": t.latestOffset}
	ex.sq.setStatus(fmt.Sprintf("Processing new data (batch %d)", p.ID), true, true)
	if !rerun {
		if err := ex.fault(BeforeOffsets, p.ID); err != nil {
			return err
		}
		if err := ex.timed(dur, "walCommit", func() error { return ex.ckpt.WriteOffsets(p) }); err != nil {
			return fmt.Errorf("engine: query %q: record batch %d: %w", ex.q.Name, p.ID, err)
		}
	}
	if err := ex.fault(AfterOffsets, p.ID); err != nil {
		return err
	}
	var results []TaskResult
	err := ex.timed(dur, "addBatch", func() error {
		var err error
		if results, err = ex.runner.RunTasks(ctx, ex.q, ex.specs(p)); err != nil {
			return err
		}
		if err := ex.fault(AfterTasks, p.ID); err != nil {
			return err
		}
		return ex.sink.CommitBatch(ctx, p.ID, commitsOf(results))
	})
	if err != nil {
		return fmt.Errorf("engine: query %q: batch %d: %w", ex.q.Name, p.ID, err)
	}
	if err := ex.fault(AfterSinkCommit, p.ID); err != nil {
		return err
	}
	err = ex.timed(dur, "commitOffsets", func() error {
		return ex.ckpt.WriteCommit(p.ID, checkpoint.CommitInfo{NextBatchWatermarkMs: p.Watermark})
	})
	if err != nil {
		return fmt.Errorf("engine: query %q: commit batch %d: %w", ex.q.Name, p.ID, err)
	}
	if err := ex.fault(AfterCommit, p.ID); err != nil {
		return err
	}
	ex.commitSources(ctx, p)
	if err := ex.fault(AfterSourceCommit, p.ID); err != nil {
		return err
	}
	if err := ex.ckpt.Purge(ex.opts.MinBatchesToRetain); err != nil {
		ex.opts.Logger.Warn("engine: purging old batches", "query", ex.q.Name, "err", err)
	}
	for i := range p.Sources {
		ex.start[i] = p.Sources[i].End
	}
	ex.nextID = p.ID + 1
	ex.lastBatch = ex.opts.Now()
	dur["triggerExecution"] = time.Since(begin).Milliseconds() + t.latestOffset
	ex.report(p, results, dur, t.latest, begin)
	return nil
}

// timed runs fn and records its duration under name.
func (ex *execution) timed(dur map[string]int64, name string, fn func() error) error {
	start := time.Now()
	err := fn()
	dur[name] = time.Since(start).Milliseconds()
	return err
}

// specs turns a batch's tasks into task specs.
func (ex *execution) specs(p batch.Plan) []TaskSpec {
	specs := make([]TaskSpec, len(p.Tasks))
	for i, task := range p.Tasks {
		specs[i] = TaskSpec{
			QueryID: ex.ckpt.Metadata().ID, QueryName: ex.q.Name, RunID: ex.sq.runID, PlanHash: ex.hash, Plan: ex.plan,
			BatchID: p.ID, Timestamp: p.Timestamp, Watermark: p.Watermark, Task: task,
		}
	}
	return specs
}

// commitSources tells the sources the batch is committed (Kafka: commit
// the end offsets to the query's consumer group). It is advisory: a
// failure is logged, the checkpoint is the truth.
func (ex *execution) commitSources(ctx context.Context, p batch.Plan) {
	for i, st := range ex.streams {
		if err := st.Commit(ctx, p.Sources[i].End); err != nil && ctx.Err() == nil {
			ex.opts.Logger.Warn("engine: committing offsets to the source", "query", ex.q.Name, "batch", p.ID, "err", err)
		}
	}
}

// report records the batch's progress and hands it to OnProgress.
func (ex *execution) report(p batch.Plan, results []TaskResult, dur map[string]int64, latest []batch.Offsets, begin time.Time) {
	var in, out int64
	var evMin, evMax int64
	hasEv := false
	perSource := make([]int64, len(p.Sources))
	tasks := make([]TaskProgressDigest, len(results))
	for i, r := range results {
		in += r.RowsIn
		out += r.RowsOut
		if i < len(p.Tasks) && p.Tasks[i].Source < len(perSource) {
			perSource[p.Tasks[i].Source] += r.RowsIn
		}
		if r.HasEventTime {
			if !hasEv || r.EventTimeMin < evMin {
				evMin = r.EventTimeMin
			}
			evMax = max(evMax, r.EventTimeMax)
			hasEv = true
		}
		tasks[i] = TaskProgressDigest{TaskID: r.TaskID, Executor: r.Executor, Attempt: r.Attempt, Rows: r.RowsIn, DurationMs: r.DurationMs}
	}
	took := time.Duration(dur["triggerExecution"]) * time.Millisecond
	since := took
	if prev, ok := ex.sq.LastProgress(); ok {
		since = begin.Sub(prev.Timestamp)
	}
	pr := Progress{
		ID: ex.ckpt.Metadata().ID, RunID: ex.sq.runID, Name: ex.q.Name, Timestamp: begin.UTC(), BatchID: p.ID,
		BatchDuration: dur["triggerExecution"], NumInputRows: in,
		InputRowsPerSecond: rate(in, since), ProcessedRowsPerSecond: rate(in, took),
		DurationMs: dur, StateOperators: nil, Sink: SinkProgress{Description: ex.sink.Kind(), NumOutputRows: out}, Tasks: tasks,
	}
	if hasEv {
		pr.EventTime = map[string]string{
			"min": time.UnixMicro(evMin).UTC().Format(time.RFC3339Nano), "max": time.UnixMicro(evMax).UTC().Format(time.RFC3339Nano),
			"watermark": time.UnixMilli(p.Watermark).UTC().Format(time.RFC3339Nano),
		}
	}
	for i, s := range p.Sources {
		sp := SourceProgress{Description: ex.describeSource(i), StartOffset: s.Start, EndOffset: s.End,
			NumInputRows: perSource[i], InputRowsPerSecond: rate(perSource[i], since), ProcessedRowsPerSecond: rate(perSource[i], took)}
		if i < len(latest) {
			sp.LatestOffset = latest[i]
			sp.Metrics = behindLatest(s.End, latest[i])
		}
		pr.Sources = append(pr.Sources, sp)
	}
	ex.sq.addProgress(pr)
	ex.opts.Logger.Info("engine: batch committed", "query", ex.q.Name, "batch", p.ID, "rows", in, "ms", pr.BatchDuration)
	if ex.opts.OnProgress != nil {
		ex.opts.OnProgress(pr)
	}
}

// describeSource names a source for progress ("kafka[clicks]" when the
// source can say more about itself).
func (ex *execution) describeSource(i int) string {
	if d, ok := ex.srcs[i].(interface{ Description() string }); ok {
		return d.Description()
	}
	return ex.srcs[i].Kind()
}
