package batch

import "fmt"

// Range is the slice [From, Until) of one partition that a task reads:
// exactly those offsets, never "whatever is there now". From is the first
// offset read; Until is the first offset not read.
type Range struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	From      int64  `json:"from"`
	Until     int64  `json:"until"`
}

// Len is the number of offsets in the range. Offsets are not records:
// compacted or transactional topics may hold fewer records than offsets.
func (r Range) Len() int64 { return r.Until - r.From }

// TopicPartition names the range's partition.
func (r Range) TopicPartition() TopicPartition {
	return TopicPartition{Topic: r.Topic, Partition: r.Partition}
}

// String is "topic-partition[from,until)".
func (r Range) String() string {
	return fmt.Sprintf("%s-%d[%d,%d)", r.Topic, r.Partition, r.From, r.Until)
}

// Task is one unit of work of a batch: the ranges one executor slot reads,
// transforms and writes. Task IDs are 0..n-1 within a batch and name the
// sink's output files, so a replayed batch writes the same names.
type Task struct {
	ID int `json:"id"`
	// Source is the index of the query's source the ranges belong to (0
	// unless the query unions several streams).
	Source int     `json:"source"`
	Ranges []Range `json:"ranges"`
}

// Rows sums the lengths of the task's ranges.
func (t Task) Rows() int64 {
	var n int64
	for _, r := range t.Ranges {
		n += r.Len()
	}
	return n
}
