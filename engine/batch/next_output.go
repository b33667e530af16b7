package batch

import "time"

// PlanOutput is Next's decision.
type PlanOutput struct {
	// BatchID is PlanInput.BatchID, whether or not the batch runs.
	BatchID int64
	// Run says whether to run Plan now. It is false when no source has
	// anything new (and PlanInput.RunWithoutData is false) or every source
	// with new data waits for MinOffsetsPerTrigger.
	Run bool
	// Plan is the batch to write to offsets/N and run, when Run is true.
	Plan Plan
	// WaitUntil, when Run is false because MinOffsetsPerTrigger holds a
	// source back, is when its MaxTriggerDelay ends; zero otherwise.
	WaitUntil time.Time
	// Done is set by ModeAvailableNow and ModeOnce when, once Plan (if Run)
	// has run, nothing is left below the target: the query stops.
	Done bool
	// DataLoss lists offsets the batch skips because they are gone. The
	// caller fails the query (DataLossError) when the source's
	// failOnDataLoss is set, or logs them and runs the plan, which already
	// skips them.
	DataLoss []DataLoss
	// NewPartitions lists partitions that appeared since Start; the plan
	// reads them from their earliest offset, as Spark does.
	NewPartitions []SourcePartition
}

// SourcePartition names a partition of one of the query's sources.
type SourcePartition struct {
	Source int `json:"source"`
	TopicPartition
}
