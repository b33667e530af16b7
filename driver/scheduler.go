package driver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/engine/plan"
)

// runner is the engine.TaskRunner of one query on the cluster: it places
// each task of a batch on an executor by rendezvous hashing of the task's
// topic-partition (so partitions stick to executors and their warm
// consumers), sends it, and retries a failed task on another executor up
// to MaxTaskAttempts times. When no executor can run a task the batch
// waits, saying so through setWaiting, instead of failing.
type runner struct {
	execs       *executors
	client      *taskClient
	maxAttempts int
	log         *slog.Logger
	metrics     *metrics
	// setWaiting publishes why the batch waits ("" when it does not).
	setWaiting func(string)
}

// taskTries is what the runner remembers about one task of a batch.
type taskTries struct {
	attempts int
	exclude  map[string]bool // executors the task failed on
	lastErr  error
	lastExec string
}

// attemptDone is one attempt's outcome, sent back to the batch loop.
type attemptDone struct {
	i   int
	l   *lease
	res engine.TaskResult
	err error
}

// batchRun is one call of RunTasks.
type batchRun struct {
	r       *runner
	ctx     context.Context
	udfs    []string
	specs   []engine.TaskSpec
	results []engine.TaskResult
	tries   []taskTries
	pending []int
	running int
	done    chan attemptDone
}

// RunTasks implements engine.TaskRunner.
func (r *runner) RunTasks(ctx context.Context, q *plan.Query, specs []engine.TaskSpec) ([]engine.TaskResult, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer r.setWaiting("")
	b := &batchRun{r: r, ctx: ctx, udfs: plan.UDFs(q), specs: specs,
		results: make([]engine.TaskResult, len(specs)), tries: make([]taskTries, len(specs)),
		done: make(chan attemptDone, len(specs))}
	for i := range specs {
		b.pending = append(b.pending, i)
		b.tries[i].exclude = map[string]bool{}
	}
	if err := b.loop(); err != nil {
		cancel()
		b.drain()
		return nil, err
	}
	return b.results, nil
}

// loop dispatches and collects attempts until every task succeeded, one
// failed for good, or ctx ended.
func (b *batchRun) loop() error {
	for len(b.pending) > 0 || b.running > 0 {
		changed := b.r.execs.Changed() // before dispatching, so no change is missed
		b.dispatch()
		b.reportWaiting()
		select {
		case d := <-b.done:
			b.running--
			if err := b.finish(d); err != nil {
				return err
			}
		case <-changed:
		case <-b.ctx.Done():
			return b.ctx.Err()
		}
	}
	return nil
}

// dispatch starts every pending task that an executor has a slot for.
func (b *batchRun) dispatch() {
	waiting := b.pending[:0]
	for _, i := range b.pending {
		l := b.r.execs.acquire(b.ctx, taskKey(b.specs[i]), b.udfs, b.tries[i].exclude)
		if l == nil {
			waiting = append(waiting, i)
			continue
		}
		b.running++
		go b.attempt(i, l)
	}
	b.pending = waiting
}

// attempt runs one attempt of task i on the leased executor.
func (b *batchRun) attempt(i int, l *lease) {
	spec := b.specs[i]
	spec.Attempt = b.tries[i].attempts
	if b.r.execs.hasPlan(l.execID, spec.PlanHash) {
		spec.Plan = nil // the executor has it cached
	}
	b.r.metrics.tasksStarted.Inc()
	res, err := b.r.client.run(l.ctx, l.addr, spec)
	if err != nil && spec.Plan == nil && errors.Is(err, errPlanUnknown) {
		b.r.execs.setPlan(l.execID, spec.PlanHash, false)
		spec.Plan = b.specs[i].Plan
		res, err = b.r.client.run(l.ctx, l.addr, spec)
	}
	b.done <- attemptDone{i: i, l: l, res: res, err: err}
}

// finish records an attempt's outcome: a result, a retry, or the batch's
// failure.
func (b *batchRun) finish(d attemptDone) error {
	spec := b.specs[d.i]
	if d.err == nil {
		b.r.execs.release(d.l, true)
		b.r.execs.setPlan(d.l.execID, spec.PlanHash, true)
		d.res.Executor = d.l.name
		b.results[d.i] = d.res
		return nil
	}
	b.r.execs.release(d.l, false)
	err := b.classify(d)
	t := &b.tries[d.i]
	t.attempts++
	t.lastErr, t.lastExec = err, d.l.name
	t.exclude[d.l.execID] = true
	b.r.metrics.tasksFailed.Inc()
	if !engine.Retryable(err) && !errors.Is(err, errUnreachable) {
		return fmt.Errorf("driver: task %s failed on executor %s and cannot be retried: %w", spec.Name(), d.l.name, err)
	}
	if t.attempts >= b.r.maxAttempts {
		return fmt.Errorf("driver: task %s failed %d attempts, the last on executor %s: %w", spec.Name(), t.attempts, d.l.name, err)
	}
	b.r.log.Warn("driver: task failed, retrying on another executor", "task", spec.Name(), "executor", d.l.name, "attempt", t.attempts, "err", err)
	b.r.metrics.tasksRetried.Inc()
	b.pending = append(b.pending, d.i)
	return nil
}

// classify names why an attempt failed: a lost executor (its tasks are
// cancelled when it is declared dead), a broken connection (the executor
// is declared dead now, so the next batch does not try it), or the task's
// own error.
func (b *batchRun) classify(d attemptDone) error {
	if why := b.r.execs.lostReason(d.l); why != "" && b.ctx.Err() == nil {
		return fmt.Errorf("%w: executor %s lost (%s)", errUnreachable, d.l.name, why)
	}
	if errors.Is(d.err, errUnreachable) {
		b.r.execs.markDead(d.l.execID, "connection failed: "+d.err.Error())
	}
	return d.err
}

// reportWaiting says why tasks wait when no executor can take them at all
// (slots merely being busy is normal and not reported).
func (b *batchRun) reportWaiting() {
	if len(b.pending) == 0 || b.running > 0 {
		b.r.setWaiting("")
		return
	}
	spec := b.specs[b.pending[0]]
	switch {
	case b.r.execs.alive() == 0:
		b.r.setWaiting(fmt.Sprintf("Waiting for executors: batch %d has %d tasks to run and no executor is alive", spec.BatchID, len(b.pending)))
	case b.r.execs.aliveWith(b.udfs) == 0:
		b.r.setWaiting(fmt.Sprintf("Waiting for executors: batch %d needs UDFs %v that no live executor has", spec.BatchID, b.udfs))
	default:
		b.r.setWaiting("")
	}
}

// drain waits for the attempts still running after the batch failed, so
// their slots are given back.
func (b *batchRun) drain() {
	for ; b.running > 0; b.running-- {
		d := <-b.done
		b.r.execs.release(d.l, false)
	}
}

// taskKey is what a task is placed by: its first partition, so that every
// batch sends a partition to the same executor.
func taskKey(s engine.TaskSpec) string {
	if len(s.Task.Ranges) == 0 {
		return "task-" + strconv.Itoa(s.Task.ID)
	}
	return s.Task.Ranges[0].TopicPartition().String()
}
