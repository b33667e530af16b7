package batch

import (
	"math"
	"time"
)

// holdBack reports whether MinOffsetsPerTrigger holds a source back from a
// batch and, if so, when MaxTriggerDelay lets it go (Spark's delayBatch). A
// source with no new offsets is not held back: it has nothing to hold.
func holdBack(l Limits, m Mode, available int64, last, now time.Time) (bool, time.Time) {
	if m != ModeStreaming || l.MinOffsetsPerTrigger == 0 || last.IsZero() {
		return false, time.Time{}
	}
	deadline := last.Add(l.triggerDelay())
	if !now.Before(deadline) || available == 0 || available >= l.MinOffsetsPerTrigger {
		return false, time.Time{}
	}
	return true, deadline
}

// available sums what the spans could read, saturating instead of
// overflowing.
func available(spans []span) int64 {
	var n int64
	for _, s := range spans {
		d := s.upper - s.from
		if n > math.MaxInt64-d {
			return math.MaxInt64
		}
		n += d
	}
	return n
}
