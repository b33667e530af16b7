package plan

import (
	"encoding/json"
	"fmt"
	"time"
)

// Version is the plan format this build writes and reads.
const Version = 1

// Query is a whole query: where rows come from, what is done to them and
// where they go.
type Query struct {
	// Version is the plan format version, Version when written by this build.
	Version int `json:"version"`
	// Name is the query's name (its QueryName, or the session name).
	Name string `json:"name"`
	// Sources are the query's inputs; source nodes refer to them by index.
	Sources []Source `json:"sources"`
	// Root is the operator whose output goes to the sink.
	Root *Node `json:"root"`
	// Sink receives the output; nil for a static query that is collected.
	Sink *Sink `json:"sink,omitempty"`
	// OutputMode is "append", "update" or "complete"; empty means append.
	OutputMode string `json:"outputMode,omitempty"`
	// Trigger says when batches run; nil means as fast as possible
	// (ProcessingTime(0)).
	Trigger *Trigger `json:"trigger,omitempty"`
	// Checkpoint is the checkpoint location; empty when not set.
	Checkpoint string `json:"checkpoint,omitempty"`
	// Options are query options (WriteStream's Option), passed through.
	Options map[string]string `json:"options,omitempty"`
}

// Source is one input of the query: a connector by kind and options, and
// the schema it produced when the plan was built.
type Source struct {
	Kind    string          `json:"kind"`
	Options json.RawMessage `json:"options"`
	Schema  *Schema         `json:"schema"`
	// Streaming is true for a source read in micro-batches, false for a
	// static (batch) source read whole.
	Streaming bool `json:"streaming,omitempty"`
}

// Sink is the output connector by kind and options.
type Sink struct {
	Kind    string          `json:"kind"`
	Options json.RawMessage `json:"options"`
}

// Trigger kinds.
const (
	TriggerProcessingTime = "processingTime"
	TriggerAvailableNow   = "availableNow"
	TriggerOnce           = "once"
)

// Output modes.
const (
	OutputAppend   = "append"
	OutputUpdate   = "update"
	OutputComplete = "complete"
)

// Trigger says when a streaming query runs its batches.
type Trigger struct {
	// Kind is TriggerProcessingTime, TriggerAvailableNow or TriggerOnce.
	Kind string `json:"kind"`
	// Interval is the processing-time interval; 0 means as soon as the
	// previous batch is done.
	Interval Duration `json:"interval,omitempty"`
}

// Duration is a time.Duration that marshals as its string ("30s"), so
// plans stay readable.
type Duration time.Duration

// MarshalJSON writes the duration as a Go duration string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads a Go duration string ("1m30s").
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("plan: duration must be a string like \"30s\": %s", b)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("plan: bad duration %q: %v", s, err)
	}
	*d = Duration(v)
	return nil
}
