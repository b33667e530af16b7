package batch

import (
	"fmt"
	"sort"
)

// Offsets is where a streaming source stands: for each topic (or the
// source's stream name), for each partition, the next offset to read.
// It marshals to Spark's Kafka offset JSON: {"clicks":{"0":534,"1":530}}.
type Offsets map[string]map[int32]int64

// Get returns the offset of topic/partition and whether it is known.
func (o Offsets) Get(topic string, partition int32) (int64, bool) {
	ps, ok := o[topic]
	if !ok {
		return 0, false
	}
	off, ok := ps[partition]
	return off, ok
}

// Set records the offset of topic/partition.
func (o Offsets) Set(topic string, partition int32, offset int64) {
	ps, ok := o[topic]
	if !ok {
		ps = make(map[int32]int64)
		o[topic] = ps
	}
	ps[partition] = offset
}

// Clone returns a deep copy.
func (o Offsets) Clone() Offsets {
	c := make(Offsets, len(o))
	for t, ps := range o {
		m := make(map[int32]int64, len(ps))
		for p, off := range ps {
			m[p] = off
		}
		c[t] = m
	}
	return c
}

// Partitions lists every topic/partition in a stable order (topic, then
// partition number).
func (o Offsets) Partitions() []TopicPartition {
	var tps []TopicPartition
	for t, ps := range o {
		for p := range ps {
			tps = append(tps, TopicPartition{Topic: t, Partition: p})
		}
	}
	sort.Slice(tps, func(i, j int) bool { return tps[i].Less(tps[j]) })
	return tps
}

// Total sums the offsets over every partition; for two Offsets of the same
// partitions, end.Total()-start.Total() is the number of offsets between.
func (o Offsets) Total() int64 {
	var n int64
	for _, ps := range o {
		for _, off := range ps {
			n += off
		}
	}
	return n
}

// TopicPartition names one partition.
type TopicPartition struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
}

// Less orders by topic, then partition.
func (tp TopicPartition) Less(o TopicPartition) bool {
	if tp.Topic != o.Topic {
		return tp.Topic < o.Topic
	}
	return tp.Partition < o.Partition
}

// String is "topic-partition", Kafka's way of naming a partition.
func (tp TopicPartition) String() string { return fmt.Sprintf("%s-%d", tp.Topic, tp.Partition) }
