package engine

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// FaultPoint names a step of the batch protocol where a fault-injection
// test may stop a query as if its process died there.
type FaultPoint string

// The steps of batch N, in protocol order.
const (
	BeforeOffsets     FaultPoint = "before-offsets"      // planned, offsets/N not written
	AfterOffsets      FaultPoint = "after-offsets"       // offsets/N written, no task ran
	MidTask           FaultPoint = "mid-task"            // a task has written part of its rows
	AfterTasks        FaultPoint = "after-tasks"         // every task wrote its files, the sink is not committed
	AfterSinkCommit   FaultPoint = "after-sink-commit"   // the sink's manifest for N is written
	AfterCommit       FaultPoint = "after-commit"        // commits/N written, offsets not committed to the source
	AfterSourceCommit FaultPoint = "after-source-commit" // the consumer group has N's end offsets
)

// FaultPoints lists every point in protocol order.
var FaultPoints = []FaultPoint{BeforeOffsets, AfterOffsets, MidTask, AfterTasks, AfterSinkCommit, AfterCommit, AfterSourceCommit}

// Fault is called at each FaultPoint of each batch; a non-nil error stops
// the query there, with nothing more written. Tests use it to prove that a
// crash at any step replays to exactly-once output.
type Fault func(p FaultPoint, batchID int64) error

// FaultEnv is the environment variable with which a job program kills
// itself (SIGKILL) at a point of the protocol: SPATE_FAULT=after-offsets:2
// dies right after writing offsets/2 (the batch number defaults to 0). It
// exists for the exactly-once tests of real processes.
const FaultEnv = "SPATE_FAULT"

// killFaultFromEnv returns a Fault that SIGKILLs this process at the point
// and batch SPATE_FAULT names, or nil when it is unset.
func killFaultFromEnv() (Fault, error) {
	v := os.Getenv(FaultEnv)
	if v == "" {
		return nil, nil
	}
	point, batchStr, _ := strings.Cut(v, ":")
	var at int64
	if batchStr != "" {
		n, err := strconv.ParseInt(batchStr, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s=%q: bad batch number", FaultEnv, v)
		}
		at = n
	}
	known := false
	for _, p := range FaultPoints {
		known = known || string(p) == point
	}
	if !known {
		return nil, fmt.Errorf("%s=%q: unknown point (known: %v)", FaultEnv, v, FaultPoints)
	}
	return func(p FaultPoint, batchID int64) error {
		if string(p) == point && batchID == at {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {} // the signal is on its way
		}
		return nil
	}, nil
}

// fault calls the query's Fault, if any.
func (ex *execution) fault(p FaultPoint, batchID int64) error {
	if ex.opts.Fault == nil {
		return nil
	}
	if err := ex.opts.Fault(p, batchID); err != nil {
		return Permanent(fmt.Errorf("engine: fault injected at %s of batch %d: %w", p, batchID, err))
	}
	return nil
}
