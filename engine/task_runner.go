package engine

import (
	"context"
	"errors"
	"runtime"
	"sync"

	"github.com/spate-io/spate/engine/plan"
)

// TaskRunner runs the tasks of a micro-batch somewhere: in this process
// (local mode, LocalRunner) or on executor processes (the driver's).
type TaskRunner interface {
	// RunTasks runs every task of one batch and returns their results in
	// the order of specs, or an error naming a task that failed all its
	// attempts (and its last cause). It retries failed tasks as it sees
	// fit; an attempt's output is replaced by a later attempt's.
	RunTasks(ctx context.Context, q *plan.Query, specs []TaskSpec) ([]TaskResult, error)
}

// DefaultMaxTaskAttempts is how often a task is tried before its batch
// fails (Spark's spark.task.maxFailures).
const DefaultMaxTaskAttempts = 4

// LocalRunner runs tasks on a Worker in this process, Parallelism at a
// time, retrying each up to MaxAttempts.
type LocalRunner struct {
	Worker *Worker
	// Parallelism is how many tasks run at once; the default 0 means
	// 4 x GOMAXPROCS: a task spends much of its time waiting for fetches,
	// and on 2 cores 8 tasks read 2.3x faster than 2 (internal/e2e's
	// BenchmarkEndToEnd).
	Parallelism int
	// MaxAttempts bounds the tries per task; the default 0 means
	// DefaultMaxTaskAttempts.
	MaxAttempts int
}

// RunTasks implements TaskRunner.
func (r *LocalRunner) RunTasks(ctx context.Context, q *plan.Query, specs []TaskSpec) ([]TaskResult, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make([]TaskResult, len(specs))
	errs := make([]error, len(specs))
	slots := make(chan struct{}, r.parallelism())
	var wg sync.WaitGroup
	for i := range specs {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			results[i], errs[i] = r.runWithRetry(ctx, q, specs[i])
			if errs[i] != nil {
				cancel() // the batch fails: stop its other tasks
			}
		}()
	}
	wg.Wait()
	if err := firstTaskError(errs); err != nil {
		return nil, err
	}
	return results, nil
}

func (r *LocalRunner) runWithRetry(ctx context.Context, q *plan.Query, spec TaskSpec) (TaskResult, error) {
	attempts := r.MaxAttempts
	if attempts <= 0 {
		attempts = DefaultMaxTaskAttempts
	}
	var last error
	for a := 0; a < attempts; a++ {
		spec.Attempt = a
		res, err := r.Worker.RunTask(ctx, q, spec)
		if err == nil {
			return res, nil
		}
		last = err
		if ctx.Err() != nil || !Retryable(err) {
			break
		}
		r.Worker.log.Warn("engine: task failed, retrying", "task", spec.Name(), "attempt", a, "err", err)
	}
	return TaskResult{}, last
}

func (r *LocalRunner) parallelism() int {
	if r.Parallelism > 0 {
		return r.Parallelism
	}
	return 4 * runtime.GOMAXPROCS(0)
}

// firstTaskError picks the error to report for a failed batch: the first
// that is not the cancellation caused by another task's failure.
func firstTaskError(errs []error) error {
	var canceled error
	for _, err := range errs {
		switch {
		case err == nil:
		case errors.Is(err, context.Canceled):
			canceled = err
		default:
			return err
		}
	}
	return canceled
}

// Permanent marks an error that retrying cannot fix (bad plan, data loss
// under FailOnDataLoss, a FAILFAST record): the batch fails at once.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err}
}

type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Retryable reports whether an error may go away on another attempt:
// every error but a cancellation, one made with Permanent, or one whose
// chain holds an error with a Permanent() bool method returning true
// (how connectors mark errors such as lost data without importing this
// package's helpers).
func Retryable(err error) bool {
	var p *permanentError
	if errors.As(err, &p) || errors.Is(err, context.Canceled) {
		return false
	}
	var marked interface{ Permanent() bool }
	return !errors.As(err, &marked) || !marked.Permanent()
}
