package kafka

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/spate-io/spate/engine/batch"
)

// StartOffsets says where a new query starts reading: Earliest, Latest or
// exact offsets per partition (OffsetsJSON, SpecificOffsets).
type StartOffsets string

const (
	// Earliest starts every partition at its first available offset.
	Earliest StartOffsets = "earliest"
	// Latest starts every partition at its end: only records produced
	// after the query started are read. It is the default.
	Latest StartOffsets = "latest"
)

// Spark's special offsets inside offsets JSON.
const (
	offsetEarliest int64 = -2
	offsetLatest   int64 = -1
)

// OffsetsJSON starts at the offsets of Spark's offsets JSON,
// {"clicks":{"0":23,"1":-2}}: per topic, per partition, the first offset to
// read, -2 for the partition's earliest and -1 for its latest. It must name
// every partition the source reads.
func OffsetsJSON(js string) StartOffsets { return StartOffsets(js) }

// SpecificOffsets is OffsetsJSON built from a map.
func SpecificOffsets(offsets map[string]map[int32]int64) StartOffsets {
	js, _ := json.Marshal(offsets) // a map of strings to maps of ints always marshals
	return StartOffsets(js)
}

// startKind is what a StartOffsets spec asks for.
type startKind int

const (
	startLatest startKind = iota
	startEarliest
	startSpecific
)

// startSpec is a parsed StartOffsets.
type startSpec struct {
	kind     startKind
	specific map[string]map[int32]int64 // startSpecific only
}

// parseStartOffsets reads "earliest", "latest" (any case) or offsets JSON.
func parseStartOffsets(spec string) (startSpec, error) {
	trimmed := strings.TrimSpace(spec)
	switch strings.ToLower(trimmed) {
	case "", string(Latest):
		return startSpec{kind: startLatest}, nil
	case string(Earliest):
		return startSpec{kind: startEarliest}, nil
	}
	if !strings.HasPrefix(trimmed, "{") {
		return startSpec{}, fmt.Errorf("kafka: startingOffsets %q is not \"earliest\", \"latest\" or offsets JSON like {\"clicks\":{\"0\":23,\"1\":-2}}", spec)
	}
	offsets, err := parsePartitionJSON(trimmed, "startingOffsets")
	if err != nil {
		return startSpec{}, err
	}
	for _, tp := range sortedPartitions(offsets) {
		if off := offsets[tp.Topic][tp.Partition]; off < offsetEarliest {
			return startSpec{}, fmt.Errorf("kafka: startingOffsets: offset %d of %s is invalid: use an offset >= 0, -2 for earliest or -1 for latest", off, tp)
		}
	}
	return startSpec{kind: startSpecific, specific: offsets}, nil
}

// parsePartitionJSON reads {"topic":{"partition":number}} with partition
// keys that are non-negative int32s. what names the option in errors.
func parsePartitionJSON(js, what string) (map[string]map[int32]int64, error) {
	var raw map[string]map[string]int64
	if err := json.Unmarshal([]byte(js), &raw); err != nil {
		return nil, fmt.Errorf("kafka: %s %s is not {\"topic\":{\"partition\":number}} JSON: %w", what, js, err)
	}
	if len(raw) == 0 {
		return nil, fmt.Errorf("kafka: %s %s names no partitions", what, js)
	}
	out := make(map[string]map[int32]int64, len(raw))
	for topic, ps := range raw {
		if topic == "" {
			return nil, fmt.Errorf("kafka: %s %s has an empty topic name", what, js)
		}
		m := make(map[int32]int64, len(ps))
		for key, v := range ps {
			p, err := strconv.ParseInt(key, 10, 32)
			if err != nil || p < 0 {
				return nil, fmt.Errorf("kafka: %s: partition %q of topic %s is not a partition number", what, key, topic)
			}
			m[int32(p)] = v
		}
		out[topic] = m
	}
	return out, nil
}

// sortedPartitions lists the partitions of a per-topic map in a stable order.
func sortedPartitions[V any](m map[string]map[int32]V) []batch.TopicPartition {
	var tps []batch.TopicPartition
	for t, ps := range m {
		for p := range ps {
			tps = append(tps, batch.TopicPartition{Topic: t, Partition: p})
		}
	}
	sort.Slice(tps, func(i, j int) bool { return tps[i].Less(tps[j]) })
	return tps
}
