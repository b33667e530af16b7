package batch

import "time"

// Limits shape how much a batch reads, as Spark's Kafka source options do.
type Limits struct {
	// MaxOffsetsPerTrigger caps the offsets of one batch over all
	// partitions, split among partitions in proportion to their backlog.
	// The default 0 means no cap.
	MaxOffsetsPerTrigger int64 `json:"maxOffsetsPerTrigger,omitempty"`
	// MinOffsetsPerTrigger delays a batch until this many offsets are
	// available, or MaxTriggerDelay has passed since the last batch. The
	// default 0 means no minimum.
	MinOffsetsPerTrigger int64 `json:"minOffsetsPerTrigger,omitempty"`
	// MaxTriggerDelay bounds how long MinOffsetsPerTrigger may delay a
	// batch. The default (0, with a minimum set) is 15 minutes, Spark's.
	MaxTriggerDelay time.Duration `json:"maxTriggerDelay,omitempty"`
	// MinPartitions is the least number of tasks a batch is split into:
	// large ranges are cut into equal pieces. The default 0 means one task
	// per partition.
	MinPartitions int `json:"minPartitions,omitempty"`
}
