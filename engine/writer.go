package engine

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/spate-io/spate/engine/plan"
)

// Trigger says when a streaming query runs its batches.
type Trigger struct {
	kind     string
	interval time.Duration
}

// ProcessingTime runs a batch every interval (0: as soon as the previous
// one is done), Spark's default trigger.
func ProcessingTime(interval time.Duration) Trigger {
	return Trigger{kind: plan.TriggerProcessingTime, interval: interval}
}

// AvailableNow processes everything available when the query starts, in
// as many batches as the source's limits make, then stops.
func AvailableNow() Trigger { return Trigger{kind: plan.TriggerAvailableNow} }

// Once processes everything available when the query starts in one batch,
// then stops.
func Once() Trigger { return Trigger{kind: plan.TriggerOnce} }

// Kind is the trigger's plan kind: processingTime, availableNow or once.
func (t Trigger) Kind() string { return t.kind }

// Interval is a processing-time trigger's interval.
func (t Trigger) Interval() time.Duration { return t.interval }

// OutputMode says which rows a batch writes.
type OutputMode string

// Output modes. A stateless query writes each row once whatever the mode;
// Complete needs an aggregation.
const (
	Append   OutputMode = plan.OutputAppend
	Update   OutputMode = plan.OutputUpdate
	Complete OutputMode = plan.OutputComplete
)

// StreamWriter configures where and how a streaming DataFrame is written;
// Plan turns it into the query plan a driver runs.
type StreamWriter struct {
	df         DataFrame
	sink       StreamSink
	checkpoint string
	trigger    Trigger
	queryName  string
	mode       OutputMode
	options    map[string]string
	err        error
}

// WriteStream starts the description of a streaming query writing df to
// sink.
func (df DataFrame) WriteStream(sink StreamSink) *StreamWriter {
	w := &StreamWriter{df: df, sink: sink, trigger: ProcessingTime(0), mode: Append, err: df.Err()}
	switch {
	case w.err != nil:
	case sink == nil:
		w.err = fmt.Errorf("engine: WriteStream needs a sink")
	case !df.IsStreaming():
		w.err = fmt.Errorf("engine: WriteStream needs a streaming DataFrame (from Session.ReadStream); this one is static")
	}
	return w
}

// Checkpoint sets the checkpoint location, where offsets, commits and
// state are kept so that a restart resumes exactly once.
func (w *StreamWriter) Checkpoint(dir string) *StreamWriter {
	w.checkpoint = dir
	return w
}

// Trigger sets when batches run; the default is ProcessingTime(0).
func (w *StreamWriter) Trigger(t Trigger) *StreamWriter {
	w.trigger = t
	return w
}

// QueryName names the query; the default is the session's name.
func (w *StreamWriter) QueryName(name string) *StreamWriter {
	w.queryName = name
	return w
}

// OutputMode sets the output mode; the default is Append.
func (w *StreamWriter) OutputMode(m OutputMode) *StreamWriter {
	w.mode = m
	return w
}

// Option sets a query option, passed through in the plan.
func (w *StreamWriter) Option(key, value string) *StreamWriter {
	if w.options == nil {
		w.options = map[string]string{}
	}
	w.options[key] = value
	return w
}

// Name is the query's name: QueryName, or the session's name.
func (w *StreamWriter) Name() string {
	if w.queryName != "" {
		return w.queryName
	}
	if w.df.s != nil {
		return w.df.s.name
	}
	return ""
}

// validate rejects conflicting settings with a plain sentence.
func (w *StreamWriter) validate() error {
	if w.err != nil {
		return w.err
	}
	switch w.mode {
	case Append, Update:
	case Complete:
		return fmt.Errorf("engine: output mode complete needs an aggregation; a query without one writes each row once, use Append")
	default:
		return fmt.Errorf("engine: unknown output mode %q (want Append, Update or Complete)", w.mode)
	}
	switch w.trigger.kind {
	case plan.TriggerProcessingTime:
		if w.trigger.interval < 0 {
			return fmt.Errorf("engine: ProcessingTime with a negative interval %s", w.trigger.interval)
		}
	case plan.TriggerAvailableNow, plan.TriggerOnce:
	default:
		return fmt.Errorf("engine: unset trigger; use ProcessingTime, AvailableNow or Once")
	}
	if w.Name() == "" {
		return fmt.Errorf("engine: the query has no name; name the session or call QueryName")
	}
	return nil
}

// Plan is the query as a plan: sources, operators, sink, trigger, mode,
// checkpoint and options. It is what the driver persists and executors
// compile.
func (w *StreamWriter) Plan() (*plan.Query, error) {
	if err := w.validate(); err != nil {
		return nil, err
	}
	q, err := w.df.Plan()
	if err != nil {
		return nil, err
	}
	opts, err := json.Marshal(w.sink.Options())
	if err != nil {
		return nil, fmt.Errorf("engine: options of sink %s do not marshal to JSON: %v", w.sink.Kind(), err)
	}
	q.Name = w.Name()
	q.Sink = &plan.Sink{Kind: w.sink.Kind(), Options: opts}
	q.OutputMode = string(w.mode)
	q.Trigger = &plan.Trigger{Kind: w.trigger.kind, Interval: plan.Duration(w.trigger.interval)}
	q.Checkpoint = w.checkpoint
	q.Options = w.options
	if _, err := plan.Marshal(q); err != nil {
		return nil, err
	}
	return q, nil
}

// Sources are the live source connectors of the query, in plan order, for
// the code that runs it in this process.
func (w *StreamWriter) Sources() []StreamSource {
	out := make([]StreamSource, 0, len(w.df.sources))
	for _, s := range w.df.sources {
		if ss, ok := s.src.(StreamSource); ok {
			out = append(out, ss)
		}
	}
	return out
}

// Sink is the live sink connector.
func (w *StreamWriter) Sink() StreamSink { return w.sink }
