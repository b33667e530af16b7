package batch

import (
	"fmt"
	"sort"
	"time"
)

// Next plans batch in.BatchID: whether to run it now and, if so, its plan.
// It is a pure function of its input (no clock, no IO): the same input
// gives the same plan, so a plan can be checked and a decision replayed.
//
// Per source, in order: partitions are resolved (new ones start at their
// earliest offset, gone ones and lost offsets are reported, see
// PlanOutput.DataLoss), MinOffsetsPerTrigger may hold the source back,
// MaxOffsetsPerTrigger caps what it reads (see rateLimit) and MinPartitions
// cuts its ranges into tasks (see splitRanges). Tasks are numbered 0..n-1
// in (source, topic, partition, from) order.
func Next(in PlanInput) (PlanOutput, error) {
	if err := in.validate(); err != nil {
		return PlanOutput{}, err
	}
	out := PlanOutput{BatchID: in.BatchID, Done: in.Mode != ModeStreaming}
	plan := Plan{ID: in.BatchID, Watermark: in.Watermark, Timestamp: in.Now.UnixMilli()}
	changed := false
	for i, s := range in.Sources {
		sp, err := planSource(i, s, in)
		if err != nil {
			return PlanOutput{}, err
		}
		plan.Sources = append(plan.Sources, SourceRange{Start: s.Start.Clone(), End: sp.end})
		plan.Tasks = append(plan.Tasks, tasksOf(i, sp.ranges, len(plan.Tasks))...)
		out.DataLoss = append(out.DataLoss, sp.lost...)
		out.NewPartitions = append(out.NewPartitions, sp.added...)
		out.Done = out.Done && sp.done
		out.WaitUntil = earliestTime(out.WaitUntil, sp.waitUntil)
		changed = changed || !equalOffsets(s.Start, sp.end)
	}
	out.Run = changed || in.RunWithoutData
	if out.Run {
		out.Plan, out.WaitUntil = plan, time.Time{}
	}
	return out, nil
}

// sourcePlan is one source's part of a batch.
type sourcePlan struct {
	end       Offsets
	ranges    []Range
	lost      []DataLoss
	added     []SourcePartition
	done      bool      // every partition reaches its upper bound
	waitUntil time.Time // when held back by MinOffsetsPerTrigger
}

func planSource(i int, s SourceInput, in PlanInput) (sourcePlan, error) {
	r, err := resolve(i, s)
	if err != nil {
		return sourcePlan{}, fmt.Errorf("batch: source %d: %w", i, err)
	}
	if held, until := holdBack(s.Limits, in.Mode, available(r.spans), in.LastBatch, in.Now); held {
		// Nothing of the source moves: it is planned again when it has
		// enough data or its delay is over.
		return sourcePlan{end: s.Start.Clone(), waitUntil: until}, nil
	}
	ends := limitEnds(r.spans, s.Limits, in)
	sp := sourcePlan{end: Offsets{}, lost: r.lost, added: r.added, done: true}
	for k, x := range r.spans {
		sp.end.Set(x.tp.Topic, x.tp.Partition, ends[k])
		sp.ranges = append(sp.ranges, Range{Topic: x.tp.Topic, Partition: x.tp.Partition, From: x.from, Until: ends[k]})
		sp.done = sp.done && ends[k] == x.upper
	}
	sp.ranges = splitRanges(sp.ranges, s.Limits.MinPartitions)
	return sp, nil
}

// limitEnds is where each span's read ends: its upper bound, or less when
// MaxOffsetsPerTrigger caps the batch (never in ModeOnce).
func limitEnds(spans []span, l Limits, in PlanInput) []int64 {
	ends := make([]int64, len(spans))
	if l.MaxOffsetsPerTrigger == 0 || in.Mode == ModeOnce {
		for k, x := range spans {
			ends[k] = x.upper
		}
		return ends
	}
	backlogs := make([]int64, len(spans))
	for k, x := range spans {
		backlogs[k] = x.upper - x.from
	}
	for k, n := range rateLimit(l.MaxOffsetsPerTrigger, backlogs, in.BatchID) {
		ends[k] = spans[k].from + n
	}
	return ends
}

// tasksOf makes one task per range, numbered from firstID, in (topic,
// partition, from) order.
func tasksOf(source int, ranges []Range, firstID int) []Task {
	sort.SliceStable(ranges, func(a, b int) bool {
		ra, rb := ranges[a], ranges[b]
		if ra.TopicPartition() != rb.TopicPartition() {
			return ra.TopicPartition().Less(rb.TopicPartition())
		}
		return ra.From < rb.From
	})
	tasks := make([]Task, len(ranges))
	for k, r := range ranges {
		tasks[k] = Task{ID: firstID + k, Source: source, Ranges: []Range{r}}
	}
	return tasks
}

// equalOffsets reports whether a and b hold the same partitions at the same
// offsets.
func equalOffsets(a, b Offsets) bool {
	if countPartitions(a) != countPartitions(b) {
		return false
	}
	for t, ps := range a {
		for p, x := range ps {
			if y, ok := b.Get(t, p); !ok || x != y {
				return false
			}
		}
	}
	return true
}

func countPartitions(o Offsets) int {
	n := 0
	for _, ps := range o {
		n += len(ps)
	}
	return n
}

// earliestTime is the earlier of two times, a zero time meaning none.
func earliestTime(a, b time.Time) time.Time {
	switch {
	case a.IsZero():
		return b
	case b.IsZero() || a.Before(b):
		return a
	}
	return b
}
