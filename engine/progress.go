package engine

import (
	"encoding/json"
	"time"

	"github.com/spate-io/spate/engine/batch"
)

// Progress describes one micro-batch, in the shape users know from Spark's
// StreamingQueryProgress (the same JSON field names).
type Progress struct {
	ID        string    `json:"id"`
	RunID     string    `json:"runId"`
	Name      string    `json:"name"`
	Timestamp time.Time `json:"timestamp"`
	BatchID   int64     `json:"batchId"`
	// BatchDuration is the whole batch's time in milliseconds.
	BatchDuration          int64                `json:"batchDuration"`
	NumInputRows           int64                `json:"numInputRows"`
	InputRowsPerSecond     float64              `json:"inputRowsPerSecond"`
	ProcessedRowsPerSecond float64              `json:"processedRowsPerSecond"`
	DurationMs             map[string]int64     `json:"durationMs"`
	EventTime              map[string]string    `json:"eventTime,omitempty"`
	StateOperators         []json.RawMessage    `json:"stateOperators"`
	Sources                []SourceProgress     `json:"sources"`
	Sink                   SinkProgress         `json:"sink"`
	ObservedMetrics        map[string]int64     `json:"observedMetrics,omitempty"`
	Tasks                  []TaskProgressDigest `json:"tasks,omitempty"`
}

// SourceProgress is one source's part of a batch.
type SourceProgress struct {
	Description            string            `json:"description"`
	StartOffset            batch.Offsets     `json:"startOffset"`
	EndOffset              batch.Offsets     `json:"endOffset"`
	LatestOffset           batch.Offsets     `json:"latestOffset"`
	NumInputRows           int64             `json:"numInputRows"`
	InputRowsPerSecond     float64           `json:"inputRowsPerSecond"`
	ProcessedRowsPerSecond float64           `json:"processedRowsPerSecond"`
	Metrics                map[string]string `json:"metrics,omitempty"`
}

// SinkProgress is the sink's part of a batch.
type SinkProgress struct {
	Description   string `json:"description"`
	NumOutputRows int64  `json:"numOutputRows"`
}

// TaskProgressDigest is where a task ran and how long it took.
type TaskProgressDigest struct {
	TaskID     int    `json:"taskId"`
	Executor   string `json:"executor,omitempty"`
	Attempt    int    `json:"attempt"`
	Rows       int64  `json:"rows"`
	DurationMs int64  `json:"durationMs"`
}

// JSON is the progress as indented JSON, as Spark's progress.json.
func (p Progress) JSON() string {
	b, _ := json.MarshalIndent(p, "", "  ")
	return string(b)
}

// progressRing keeps the last n progress records.
type progressRing struct {
	n    int
	recs []Progress
}

func (r *progressRing) add(p Progress) {
	r.recs = append(r.recs, p)
	if len(r.recs) > r.n {
		r.recs = append(r.recs[:0], r.recs[len(r.recs)-r.n:]...)
	}
}

// behindLatest computes Spark's offsets-behind-latest metrics of a source:
// min, avg and max over partitions of latest minus end.
func behindLatest(end, latest batch.Offsets) map[string]string {
	var minB, maxB, sum int64
	n := 0
	for _, tp := range latest.Partitions() {
		l, _ := latest.Get(tp.Topic, tp.Partition)
		e, ok := end.Get(tp.Topic, tp.Partition)
		if !ok {
			e = 0
		}
		d := max(l-e, 0)
		if n == 0 || d < minB {
			minB = d
		}
		maxB = max(maxB, d)
		sum += d
		n++
	}
	if n == 0 {
		return nil
	}
	return map[string]string{
		"minOffsetsBehindLatest": itoa(minB),
		"avgOffsetsBehindLatest": ftoa(float64(sum) / float64(n)),
		"maxOffsetsBehindLatest": itoa(maxB),
	}
}

// rate is rows per second over d, 0 when d is 0.
func rate(rows int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(rows) / d.Seconds()
}
