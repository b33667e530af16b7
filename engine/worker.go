package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spate-io/spate/engine/plan"
)

// Worker runs tasks. It keeps the source readers and sinks it opened, keyed
// by their plan description, so consecutive tasks of a query reuse warm
// connections. Executors hold one Worker; local mode holds one per query.
// A Worker is safe for concurrent use.
type Worker struct {
	name string
	mem  memory.Allocator
	log  *slog.Logger

	fault Fault // see SetFault

	mu      sync.Mutex
	readers map[string]RangeReader
	sinks   map[string]StreamSink
	live    map[string]StreamSource // local mode's sources, by plan key
}

// NewWorker returns a worker named name (how task results name where they
// ran) allocating from mem (nil: memory.DefaultAllocator).
func NewWorker(name string, mem memory.Allocator, log *slog.Logger) *Worker {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	if log == nil {
		log = slog.Default()
	}
	return &Worker{name: name, mem: mem, log: log, readers: map[string]RangeReader{}, sinks: map[string]StreamSink{}}
}

// preset makes the worker use live connectors for q's sources and sink
// instead of decoding their plan descriptions (local mode).
func (w *Worker) preset(q *plan.Query, sources []StreamSource, sink StreamSink) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.live = map[string]StreamSource{}
	for i, s := range q.Sources {
		if i < len(sources) {
			w.live[connectorKey(s.Kind, s.Options)] = sources[i]
		}
	}
	if q.Sink != nil && sink != nil {
		w.sinks[connectorKey(q.Sink.Kind, q.Sink.Options)] = sink
	}
}

func connectorKey(kind string, options []byte) string { return kind + "\x00" + string(options) }

// SetFault makes tasks call f(MidTask, batch) after each record they write
// to the sink, for fault-injection tests; set it before running tasks.
func (w *Worker) SetFault(f Fault) { w.fault = f }

// reader returns the open reader of a plan source, opening it on first use.
func (w *Worker) reader(ctx context.Context, s plan.Source) (RangeReader, error) {
	key := connectorKey(s.Kind, s.Options)
	w.mu.Lock()
	defer w.mu.Unlock()
	if r, ok := w.readers[key]; ok {
		return r, nil
	}
	ss, ok := w.live[key]
	if !ok {
		src, err := DecodeSource(s.Kind, s.Options)
		if err != nil {
			return nil, err
		}
		if ss, ok = src.(StreamSource); !ok {
			return nil, fmt.Errorf("source %s cannot be read in micro-batches", s.Kind)
		}
	}
	r, err := ss.OpenReader(ctx)
	if err != nil {
		return nil, fmt.Errorf("open source %s: %w", s.Kind, err)
	}
	w.readers[key] = r
	return r, nil
}

// sink returns the plan's sink, decoding it on first use.
func (w *Worker) sink(s *plan.Sink) (StreamSink, error) {
	if s == nil {
		return nil, errors.New("the plan has no sink")
	}
	key := connectorKey(s.Kind, s.Options)
	w.mu.Lock()
	defer w.mu.Unlock()
	if k, ok := w.sinks[key]; ok {
		return k, nil
	}
	snk, err := DecodeSink(s.Kind, s.Options)
	if err != nil {
		return nil, err
	}
	ss, ok := snk.(StreamSink)
	if !ok {
		return nil, fmt.Errorf("sink %s cannot be written by a streaming query", s.Kind)
	}
	w.sinks[key] = ss
	return ss, nil
}

// Close closes every reader the worker opened.
func (w *Worker) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	var errs []error
	for key, r := range w.readers {
		errs = append(errs, r.Close())
		delete(w.readers, key)
	}
	return errors.Join(errs...)
}
