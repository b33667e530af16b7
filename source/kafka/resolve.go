package kafka

import (
	"fmt"
	"time"

	"github.com/spate-io/spate/engine/batch"
)

// resolveSpecific turns offsets JSON into the offsets to start at. The JSON
// must name exactly the partitions read (Spark's rule); -2 means the
// partition's start and -1 its end. An offset past the end is an error: no
// record could ever be read there. An offset below the start is kept, so the
// first batch reports the loss under FailOnDataLoss as Spark does.
func resolveSpecific(spec map[string]map[int32]int64, parts partitionSet, start, end batch.Offsets) (batch.Offsets, error) {
	if missing, extra := diffPartitionSets(parts, spec); len(missing) > 0 || len(extra) > 0 {
		return nil, partitionSetError("startingOffsets", missing, extra)
	}
	out := make(batch.Offsets, len(spec))
	for _, tp := range sortedPartitions(spec) {
		off := spec[tp.Topic][tp.Partition]
		last, _ := end.Get(tp.Topic, tp.Partition)
		switch {
		case off == offsetEarliest:
			off, _ = start.Get(tp.Topic, tp.Partition)
		case off == offsetLatest:
			off = last
		case off > last:
			return nil, fmt.Errorf("kafka: startingOffsets asks for offset %d of %s, but the partition ends at %d", off, tp, last)
		}
		out.Set(tp.Topic, tp.Partition, off)
	}
	return out, nil
}

// resolveTimestamps picks each partition's starting offset from the offsets
// listed for its timestamp (found). Kafka answers "no record at or after the
// time" with the partition's end, so found == end means there is none: an
// error under TimestampError, the end under TimestampLatest.
func resolveTimestamps(stamps map[string]map[int32]int64, found, end batch.Offsets, strategy string) (batch.Offsets, error) {
	out := make(batch.Offsets, len(stamps))
	for _, tp := range sortedPartitions(stamps) {
		off, ok := found.Get(tp.Topic, tp.Partition)
		if !ok {
			return nil, fmt.Errorf("kafka: no offset listed for %s at its starting timestamp", tp)
		}
		last, _ := end.Get(tp.Topic, tp.Partition)
		if off >= last && strategy != strategyLatest {
			at := time.UnixMilli(stamps[tp.Topic][tp.Partition]).UTC().Format(time.RFC3339Nano)
			return nil, fmt.Errorf("kafka: no record of %s has a timestamp at or after %s; use StartingTimestampStrategy(kafka.TimestampLatest) to start such partitions at their latest offset", tp, at)
		}
		out.Set(tp.Topic, tp.Partition, off)
	}
	return out, nil
}

// timestampsFor spreads one starting timestamp over every partition read.
func timestampsFor(parts partitionSet, ms int64) map[string]map[int32]int64 {
	out := make(map[string]map[int32]int64, len(parts))
	for t, ps := range parts {
		out[t] = make(map[int32]int64, len(ps))
		for p := range ps {
			out[t][p] = ms
		}
	}
	return out
}

// partitionChange is a partition that vanished or whose end offset went
// backwards between two listings: both lose data the query may not have
// read (a deleted or recreated topic, an unclean leader election).
type partitionChange struct {
	batch.TopicPartition
	before, now int64
	gone        bool
}

// partitionChanges compares two listings of end offsets.
func partitionChanges(before, now batch.Offsets) []partitionChange {
	var out []partitionChange
	for _, tp := range before.Partitions() {
		was, _ := before.Get(tp.Topic, tp.Partition)
		is, ok := now.Get(tp.Topic, tp.Partition)
		switch {
		case !ok:
			out = append(out, partitionChange{TopicPartition: tp, before: was, now: -1, gone: true})
		case is < was:
			out = append(out, partitionChange{TopicPartition: tp, before: was, now: is})
		}
	}
	return out
}

// lossError describes a partition change as data loss.
func (c partitionChange) lossError() *DataLossError {
	if c.gone {
		return &DataLossError{Topic: c.Topic, Partition: c.Partition, From: -1, Until: c.before,
			Why: "the partition no longer exists: was the topic deleted?"}
	}
	return &DataLossError{Topic: c.Topic, Partition: c.Partition, From: c.now, Until: c.before,
		Why: fmt.Sprintf("the partition's end went back from %d to %d: was the topic recreated, or did an unclean leader election truncate it?", c.before, c.now)}
}
