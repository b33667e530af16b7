package batch

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// span is one partition's readable interval in a batch before the rate
// limit: the batch reads [from, end) with from <= end <= upper.
type span struct {
	tp    TopicPartition
	from  int64 // first offset to read
	upper int64 // the furthest the batch may read to: latest, capped by the target
}

// resolved is one source's partitions sorted by topic and partition, with
// what was found on the way.
type resolved struct {
	spans []span
	lost  []DataLoss
	added []SourcePartition
}

// resolve works out, for every partition of Start and Latest, where the
// batch may read from and up to, and what data was lost. It is the place
// where new, gone, reset and retention-trimmed partitions are decided.
func resolve(src int, s SourceInput) (resolved, error) {
	var r resolved
	for _, tp := range union(s.Start, s.Latest) {
		start, inStart := s.Start.Get(tp.Topic, tp.Partition)
		latest, inLatest := s.Latest.Get(tp.Topic, tp.Partition)
		switch {
		case !inLatest:
			r.lost = append(r.lost, DataLoss{Source: src, TopicPartition: tp, Kind: LostPartitionGone, From: start, Until: start})
		case !inStart:
			if err := r.addNew(src, s, tp, latest); err != nil {
				return resolved{}, err
			}
		default:
			r.addKnown(src, s, tp, start, latest)
		}
	}
	return r, nil
}

// addNew starts a partition that appeared since Start at its earliest
// offset, unless a target leaves it out.
func (r *resolved) addNew(src int, s SourceInput, tp TopicPartition, latest int64) error {
	if _, inTarget := s.Target.Get(tp.Topic, tp.Partition); s.Target != nil && !inTarget {
		return nil // appeared after the query started: not part of what was available then
	}
	earliest, ok := s.Earliest.Get(tp.Topic, tp.Partition)
	if !ok {
		return fmt.Errorf("new partition %s has latest offset %d but no earliest offset; list earliest offsets after latest offsets so they cover every partition", tp, latest)
	}
	if earliest > 0 {
		r.lost = append(r.lost, DataLoss{Source: src, TopicPartition: tp, Kind: LostNewPartition, From: 0, Until: earliest})
	}
	r.added = append(r.added, SourcePartition{Source: src, TopicPartition: tp})
	r.spans = append(r.spans, span{tp: tp, from: earliest, upper: upperOf(s, tp, earliest, latest)})
	return nil
}

// addKnown plans a partition the query already reads.
func (r *resolved) addKnown(src int, s SourceInput, tp TopicPartition, start, latest int64) {
	from := start
	if latest < start {
		r.lost = append(r.lost, DataLoss{Source: src, TopicPartition: tp, Kind: LostOffsetReset, From: start, Until: latest})
		from = latest
	}
	if earliest, ok := s.Earliest.Get(tp.Topic, tp.Partition); ok && from < earliest {
		r.lost = append(r.lost, DataLoss{Source: src, TopicPartition: tp, Kind: LostToRetention, From: from, Until: earliest})
		from = earliest
	}
	r.spans = append(r.spans, span{tp: tp, from: from, upper: upperOf(s, tp, from, latest)})
}

// upperOf is the furthest a batch may read: the latest offset, no further
// than the target, and never below from (the earliest offset can pass the
// latest offset listed a moment before, when retention runs in between).
func upperOf(s SourceInput, tp TopicPartition, from, latest int64) int64 {
	upper := latest
	if s.Target != nil {
		target, ok := s.Target.Get(tp.Topic, tp.Partition)
		if !ok {
			target = from // not in the target: nothing to read
		}
		upper = min(upper, target)
	}
	return max(upper, from)
}

// union lists the partitions of a and b in order.
func union(a, b Offsets) []TopicPartition {
	seen := make(map[TopicPartition]bool, countPartitions(a)+countPartitions(b))
	var tps []TopicPartition
	for _, o := range []Offsets{a, b} {
		for t, ps := range o {
			for p := range ps {
				tp := TopicPartition{Topic: t, Partition: p}
				if !seen[tp] {
					seen[tp] = true
					tps = append(tps, tp)
				}
			}
		}
	}
	slices.SortFunc(tps, compareTP)
	return tps
}

func compareTP(x, y TopicPartition) int {
	if c := strings.Compare(x.Topic, y.Topic); c != 0 {
		return c
	}
	return cmp.Compare(x.Partition, y.Partition)
}
