package memory

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spate-io/spate/engine"
)

// Kind is the sink's kind in plans.
const Kind = "memory"

func init() {
	engine.RegisterSink(Kind, func(raw json.RawMessage) (engine.Sink, error) {
		var o Options
		if err := json.Unmarshal(raw, &o); err != nil {
			return nil, fmt.Errorf("memory: bad options %s: %v", raw, err)
		}
		s, ok := lookup(o.Name)
		if !ok {
			return nil, fmt.Errorf("memory: no sink named %q in this process (memory sinks do not cross processes)", o.Name)
		}
		return s, nil
	})
	engine.DescribeSink(Kind, engine.ConnectorSpec{
		Summary: "committed batches kept in this process, each exactly once, for tests and examples.",
		Options: []engine.OptionSpec{{Name: "name", Type: "string", Required: true, Doc: "the name the sink was made with"}},
	})
}

// Options are the sink's plan options.
type Options struct {
	Name string `json:"name"`
}

// Sink keeps committed batches. Safe for concurrent use.
type Sink struct {
	name string

	mu      sync.Mutex
	batches map[int64][]arrow.RecordBatch
	commits map[int64]int // how many times each batch was committed
}

var registry = struct {
	sync.Mutex
	m map[string]*Sink
}{m: map[string]*Sink{}}

// NewSink makes a sink registered under name; a later sink of the same
// name replaces it.
func NewSink(name string) *Sink {
	s := &Sink{name: name, batches: map[int64][]arrow.RecordBatch{}, commits: map[int64]int{}}
	registry.Lock()
	registry.m[name] = s
	registry.Unlock()
	return s
}

func lookup(name string) (*Sink, bool) {
	registry.Lock()
	defer registry.Unlock()
	s, ok := registry.m[name]
	return s, ok
}

// Kind implements engine.Sink.
func (s *Sink) Kind() string { return Kind }

// Ephemeral is true: batches are kept in memory, nothing outlives the process, so a
// query may run without a checkpoint location (engine.EphemeralSink).
func (s *Sink) Ephemeral() bool { return true }

// Options implements engine.Sink.
func (s *Sink) Options() any { return Options{Name: s.name} }

// commitMessage is a task's output: its rows as an Arrow IPC stream.
type commitMessage struct {
	Rows int64  `json:"rows"`
	IPC  []byte `json:"ipc,omitempty"`
}

// NewTaskWriter implements engine.StreamSink.
func (s *Sink) NewTaskWriter(_ context.Context, task engine.TaskInfo, schema *arrow.Schema) (engine.TaskWriter, error) {
	w := &taskWriter{schema: schema}
	w.ipc = ipc.NewWriter(&w.buf, ipc.WithSchema(schema))
	return w, nil
}

type taskWriter struct {
	schema *arrow.Schema
	buf    bytes.Buffer
	ipc    *ipc.Writer
	rows   int64
	closed bool
}

// Write encodes rec right away, so the writer keeps no Arrow memory.
func (w *taskWriter) Write(_ context.Context, rec arrow.RecordBatch) error {
	if w.closed {
		return fmt.Errorf("memory: write after commit or abort")
	}
	if err := w.ipc.Write(rec); err != nil {
		return fmt.Errorf("memory: encode batch: %w", err)
	}
	w.rows += rec.NumRows()
	return nil
}

func (w *taskWriter) Commit(context.Context) (json.RawMessage, error) {
	if w.closed {
		return nil, fmt.Errorf("memory: commit after commit or abort")
	}
	w.closed = true
	if err := w.ipc.Close(); err != nil {
		return nil, fmt.Errorf("memory: finish batch: %w", err)
	}
	return json.Marshal(commitMessage{Rows: w.rows, IPC: w.buf.Bytes()})
}

func (w *taskWriter) Abort(context.Context) error {
	if !w.closed {
		w.closed = true
		_ = w.ipc.Close()
	}
	w.buf.Reset()
	return nil
}

// CommitBatch implements engine.StreamSink: the batch's rows replace
// whatever an earlier commit of batchID stored.
func (s *Sink) CommitBatch(_ context.Context, batchID int64, commits []json.RawMessage) error {
	var recs []arrow.RecordBatch
	for i, raw := range commits {
		got, err := decode(raw)
		if err != nil {
			releaseAll(recs)
			return fmt.Errorf("memory: batch %d task %d: %w", batchID, i, err)
		}
		recs = append(recs, got...)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	releaseAll(s.batches[batchID])
	s.batches[batchID] = recs
	s.commits[batchID]++
	return nil
}

func decode(raw json.RawMessage) ([]arrow.RecordBatch, error) {
	var m commitMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("bad commit message: %v", err)
	}
	if len(m.IPC) == 0 {
		return nil, nil
	}
	r, err := ipc.NewReader(bytes.NewReader(m.IPC), ipc.WithAllocator(memory.DefaultAllocator))
	if err != nil {
		return nil, fmt.Errorf("bad Arrow IPC: %v", err)
	}
	defer r.Release()
	var out []arrow.RecordBatch
	for r.Next() {
		rec := r.RecordBatch()
		rec.Retain()
		out = append(out, rec)
	}
	if err := r.Err(); err != nil {
		releaseAll(out)
		return nil, fmt.Errorf("bad Arrow IPC: %v", err)
	}
	return out, nil
}

func releaseAll(recs []arrow.RecordBatch) {
	for _, r := range recs {
		r.Release()
	}
}

// BatchIDs lists the committed batches in order.
func (s *Sink) BatchIDs() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]int64, 0, len(s.batches))
	for id := range s.batches {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// Commits is how many times batchID was committed (a replay commits again).
func (s *Sink) Commits(batchID int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.commits[batchID]
}

// Records returns batch batchID's records, retained for the caller, who
// releases them.
func (s *Sink) Records(batchID int64) []arrow.RecordBatch {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append([]arrow.RecordBatch(nil), s.batches[batchID]...)
	for _, r := range out {
		r.Retain()
	}
	return out
}

// Rows is the number of committed rows over all batches.
func (s *Sink) Rows() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for _, recs := range s.batches {
		for _, r := range recs {
			n += r.NumRows()
		}
	}
	return n
}

// JSONRows renders every committed row, batch by batch, as a JSON object
// (Arrow's JSON encoding), one string per row.
func (s *Sink) JSONRows() ([]string, error) {
	var out []string
	for _, id := range s.BatchIDs() {
		recs := s.Records(id)
		for _, r := range recs {
			var b bytes.Buffer
			if err := array.RecordToJSON(r, &b); err != nil {
				releaseAll(recs)
				return nil, fmt.Errorf("memory: render batch %d: %v", id, err)
			}
			for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
				if line != "" {
					out = append(out, line)
				}
			}
		}
		releaseAll(recs)
	}
	return out, nil
}

// Reset drops every batch.
func (s *Sink) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, recs := range s.batches {
		releaseAll(recs)
		delete(s.batches, id)
	}
	s.commits = map[int64]int{}
}
