package engine

import (
	"encoding/json"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spate-io/spate/engine/plan"
)

// Session is where DataFrames start: it names the query and holds the
// allocator static queries run with.
type Session struct {
	name string
	mem  memory.Allocator
}

// SessionOption configures a Session.
type SessionOption func(*Session)

// WithAllocator makes the session's static queries (Collect) allocate
// from mem. The default is memory.DefaultAllocator.
func WithAllocator(mem memory.Allocator) SessionOption {
	return func(s *Session) { s.mem = mem }
}

// NewSession starts a session; name becomes the query name unless
// WriteStream's QueryName sets another.
func NewSession(name string, opts ...SessionOption) *Session {
	s := &Session{name: name, mem: memory.DefaultAllocator}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Name is the session's name.
func (s *Session) Name() string { return s.name }

// ReadStream is a streaming DataFrame over src, read in micro-batches.
func (s *Session) ReadStream(src StreamSource) DataFrame {
	if src == nil {
		return s.failed(fmt.Errorf("engine: ReadStream needs a source"))
	}
	return s.read(src, true, "ReadStream")
}

// Read is a static DataFrame over src: a BatchSource read whole, or a
// StreamSource read from its earliest to its latest offsets at the time of
// the read.
func (s *Session) Read(src Source) DataFrame {
	if src == nil {
		return s.failed(fmt.Errorf("engine: Read needs a source"))
	}
	_, isBatch := src.(BatchSource)
	_, isStream := src.(StreamSource)
	if !isBatch && !isStream {
		return s.failed(fmt.Errorf("engine: Read: source %s can be read neither whole (BatchSource) nor by offsets (StreamSource)", src.Kind()))
	}
	return s.read(src, false, "Read")
}

func (s *Session) read(src Source, streaming bool, where string) DataFrame {
	schema := src.Schema()
	if schema == nil {
		return s.failed(fmt.Errorf("engine: %s: source %s has no schema", where, src.Kind()))
	}
	opts, err := json.Marshal(src.Options())
	if err != nil {
		return s.failed(fmt.Errorf("engine: %s: options of source %s do not marshal to JSON: %v", where, src.Kind(), err))
	}
	ref := sourceRef{src: src, plan: plan.Source{Kind: src.Kind(), Options: opts, Schema: &plan.Schema{Schema: schema}, Streaming: streaming}}
	node := &plan.Node{Kind: plan.NodeSource, Source: 0}
	return DataFrame{s: s, node: node, schema: schema, sources: []sourceRef{ref}}
}

func (s *Session) failed(err error) DataFrame { return DataFrame{s: s, err: err} }
