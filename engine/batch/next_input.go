package batch

import (
	"fmt"
	"time"
)

// Mode is what the query's trigger asks of the planner.
type Mode int

const (
	// ModeStreaming plans batch after batch for as long as the query runs
	// (Spark's ProcessingTime and default triggers): a batch runs when there
	// is new data, shaped by the source's Limits.
	ModeStreaming Mode = iota
	// ModeAvailableNow reads everything that was available when the query
	// started (each source's Target) in batches shaped by
	// MaxOffsetsPerTrigger and MinPartitions, never past the target, then
	// reports Done. MinOffsetsPerTrigger is ignored, as in Spark.
	ModeAvailableNow
	// ModeOnce reads everything up to the Target (or the latest offsets
	// when the source has none) in one batch, ignoring every limit but
	// MinPartitions, then reports Done (Spark's deprecated Trigger.Once).
	ModeOnce
)

// String names the mode as in error messages.
func (m Mode) String() string {
	switch m {
	case ModeStreaming:
		return "streaming"
	case ModeAvailableNow:
		return "available-now"
	case ModeOnce:
		return "once"
	}
	return fmt.Sprintf("mode(%d)", int(m))
}

// DefaultMaxTriggerDelay is how long MinOffsetsPerTrigger may delay a batch
// when Limits.MaxTriggerDelay is 0 (Spark's default, 15 minutes).
const DefaultMaxTriggerDelay = 15 * time.Minute

// MaxTasksPerSource bounds MinPartitions: a batch of more tasks is a
// configuration mistake, not a plan.
const MaxTasksPerSource = 1 << 20

// PlanInput is everything Next needs to plan one batch. Next reads no clock
// and does no IO: the caller fetches the offsets and passes the time.
type PlanInput struct {
	// BatchID is the number of the batch to plan.
	BatchID int64
	// Mode is what the trigger asks for; the default is ModeStreaming.
	Mode Mode
	// Sources holds one entry per source of the query, in plan order.
	Sources []SourceInput
	// Now is the batch's time; it becomes Plan.Timestamp.
	Now time.Time
	// LastBatch is when the previous batch was planned. The zero time (no
	// batch since the query started) counts as long ago, so a delay by
	// MinOffsetsPerTrigger never holds back the first batch after a start,
	// as in Spark.
	LastBatch time.Time
	// Watermark is the event-time watermark for the batch in Unix
	// milliseconds; it is copied into the plan.
	Watermark int64
	// RunWithoutData asks for a batch even when no source has new data,
	// e.g. because the watermark moved and stateful operators must emit or
	// evict (Spark's no-data batches). The default false runs no batch
	// without data.
	RunWithoutData bool
}

// SourceInput is one source's state for planning.
type SourceInput struct {
	// Start is where the source stands: the previous batch's end offsets,
	// or the source's initial offsets for a query's first batch.
	Start Offsets
	// Latest is the end of what is available now, per partition, new
	// partitions included. A partition of Start missing here is gone.
	Latest Offsets
	// Earliest is the first offset still stored per partition. It must
	// cover every partition of Latest that is not in Start; where it lacks
	// a partition of Start, lost data cannot be detected for it.
	Earliest Offsets
	// Limits shape the source's part of the batch.
	Limits Limits
	// Target, for ModeAvailableNow (required) and ModeOnce (optional), is
	// the latest offsets taken when the query started: the batch never
	// reads past them and partitions not in Target are not read. It must
	// be nil in ModeStreaming.
	Target Offsets
}

// validate rejects input that cannot be planned, with a plain sentence.
func (in PlanInput) validate() error {
	if in.BatchID < 0 {
		return fmt.Errorf("batch: batch id %d is negative", in.BatchID)
	}
	if in.Mode < ModeStreaming || in.Mode > ModeOnce {
		return fmt.Errorf("batch: unknown trigger %s", in.Mode)
	}
	if len(in.Sources) == 0 {
		return fmt.Errorf("batch: batch %d has no sources; a streaming query reads at least one", in.BatchID)
	}
	for i, s := range in.Sources {
		if err := s.validate(in.Mode); err != nil {
			return fmt.Errorf("batch: source %d: %w", i, err)
		}
	}
	return nil
}

func (s SourceInput) validate(m Mode) error {
	if err := s.Limits.validate(); err != nil {
		return err
	}
	switch {
	case m == ModeStreaming && s.Target != nil:
		return fmt.Errorf("target offsets are set but the trigger is %s; only available-now and once read to a target", m)
	case m == ModeAvailableNow && s.Target == nil:
		return fmt.Errorf("the available-now trigger needs target offsets: the latest offsets taken when the query started")
	}
	for _, o := range []struct {
		name string
		offs Offsets
	}{{"start", s.Start}, {"latest", s.Latest}, {"earliest", s.Earliest}, {"target", s.Target}} {
		if err := o.offs.checkValid(o.name); err != nil {
			return err
		}
	}
	return nil
}

func (l Limits) validate() error {
	switch {
	case l.MaxOffsetsPerTrigger < 0:
		return fmt.Errorf("maxOffsetsPerTrigger is %d; it must be positive, or 0 for no cap", l.MaxOffsetsPerTrigger)
	case l.MinOffsetsPerTrigger < 0:
		return fmt.Errorf("minOffsetsPerTrigger is %d; it must be positive, or 0 for no minimum", l.MinOffsetsPerTrigger)
	case l.MaxTriggerDelay < 0:
		return fmt.Errorf("maxTriggerDelay is %s; it must be positive, or 0 for the default %s", l.MaxTriggerDelay, DefaultMaxTriggerDelay)
	case l.MinPartitions < 0 || l.MinPartitions > MaxTasksPerSource:
		return fmt.Errorf("minPartitions is %d; it must be between 0 and %d", l.MinPartitions, MaxTasksPerSource)
	}
	return nil
}

// checkValid rejects negative partitions and offsets: Kafka has neither.
// It scans the maps first and sorts only to name the first bad partition,
// so that the message does not depend on map order.
func (o Offsets) checkValid(name string) error {
	if o.allValid() {
		return nil
	}
	for _, tp := range o.Partitions() {
		off, _ := o.Get(tp.Topic, tp.Partition)
		switch {
		case tp.Partition < 0:
			return fmt.Errorf("%s offsets name partition %d of topic %q; partitions are never negative", name, tp.Partition, tp.Topic)
		case off < 0:
			return fmt.Errorf("%s offset of %s is %d; offsets are never negative", name, tp, off)
		}
	}
	return nil
}

func (o Offsets) allValid() bool {
	for _, ps := range o {
		for p, off := range ps {
			if p < 0 || off < 0 {
				return false
			}
		}
	}
	return true
}

// triggerDelay is MaxTriggerDelay with its default applied.
func (l Limits) triggerDelay() time.Duration {
	if l.MaxTriggerDelay == 0 {
		return DefaultMaxTriggerDelay
	}
	return l.MaxTriggerDelay
}
