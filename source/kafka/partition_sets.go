package kafka

import (
	"fmt"
	"strings"

	"github.com/spate-io/spate/engine/batch"
)

// partitionSet is a set of partitions per topic.
type partitionSet map[string]map[int32]bool

// add puts topic/partition in the set.
func (s partitionSet) add(topic string, partition int32) {
	if s[topic] == nil {
		s[topic] = make(map[int32]bool)
	}
	s[topic][partition] = true
}

// diffPartitionSets compares the partitions read (want) with those a
// per-partition option names (given): missing are read but not named, extra
// are named but not read. Both come back sorted.
func diffPartitionSets[V any](want partitionSet, given map[string]map[int32]V) (missing, extra []batch.TopicPartition) {
	for _, tp := range sortedPartitions(want) {
		if _, ok := given[tp.Topic][tp.Partition]; !ok {
			missing = append(missing, tp)
		}
	}
	for _, tp := range sortedPartitions(given) {
		if !want[tp.Topic][tp.Partition] {
			extra = append(extra, tp)
		}
	}
	return missing, extra
}

// partitionSetError explains a per-partition option that does not name
// exactly the partitions read, as Spark does for startingOffsets.
func partitionSetError(what string, missing, extra []batch.TopicPartition) error {
	var parts []string
	if len(missing) > 0 {
		parts = append(parts, "it lacks "+joinPartitions(missing))
	}
	if len(extra) > 0 {
		parts = append(parts, "it names "+joinPartitions(extra)+", which the source does not read")
	}
	hint := ""
	if what == "startingOffsets" {
		hint = " (use -2 for earliest, -1 for latest)"
	}
	return fmt.Errorf("kafka: %s must name every partition the source reads%s: %s", what, hint, strings.Join(parts, "; "))
}

func joinPartitions(tps []batch.TopicPartition) string {
	const show = 10
	names := make([]string, 0, min(len(tps), show))
	for i, tp := range tps {
		if i == show {
			names = append(names, fmt.Sprintf("and %d more", len(tps)-show))
			break
		}
		names = append(names, tp.String())
	}
	return strings.Join(names, ", ")
}
