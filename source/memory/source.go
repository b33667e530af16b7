package memory

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/engine/batch"
)

// Kind is the source's kind in plans.
const Kind = "memory"

func init() {
	engine.RegisterSource(Kind, func(raw json.RawMessage) (engine.Source, error) {
		var o Options
		if err := json.Unmarshal(raw, &o); err != nil {
			return nil, fmt.Errorf("memory: bad options %s: %v", raw, err)
		}
		s, ok := lookup(o.Name)
		if !ok {
			return nil, fmt.Errorf("memory: no source named %q in this process (memory sources do not cross processes; known: %s)", o.Name, strings.Join(names(), ", "))
		}
		return s, nil
	})
	engine.DescribeSource(Kind, engine.ConnectorSpec{
		Summary: "rows pushed into named partitions in this process, for tests and examples.",
		Options: []engine.OptionSpec{{Name: "name", Type: "string", Required: true, Doc: "the name the source was made with; also the topic of its offsets"}},
	})
}

// Options are the source's plan options.
type Options struct {
	// Name names the source and is the topic of its offsets.
	Name string `json:"name"`
}

// Source holds rows in partitions. Safe for concurrent use: tests add rows
// while a query reads.
type Source struct {
	name   string
	schema *arrow.Schema
	kafka  bool
	mem    memory.Allocator

	mu    sync.Mutex
	parts []*partition
	// committed is the last offsets a query committed (Stream.Commit).
	committed batch.Offsets
}

// partition is a list of records and the first offset of each.
type partition struct {
	recs   []arrow.RecordBatch
	starts []int64
	rows   int64
}

var registry = struct {
	sync.Mutex
	m map[string]*Source
}{m: map[string]*Source{}}

// NewSource makes a source of rows of schema in n partitions (at least
// one), registered under name; a later source of the same name replaces it.
func NewSource(name string, schema *arrow.Schema, partitions int) *Source {
	return newSource(name, schema, partitions, false)
}

// NewKafkaSource makes a source of Kafka-shaped rows (engine.KafkaSchema):
// AddValues and AddMessages fill topic, partition and offset.
func NewKafkaSource(topic string, partitions int) *Source {
	return newSource(topic, engine.KafkaSchema, partitions, true)
}

func newSource(name string, schema *arrow.Schema, partitions int, kafka bool) *Source {
	s := &Source{name: name, schema: schema, kafka: kafka, mem: memory.DefaultAllocator}
	for i := 0; i < max(partitions, 1); i++ {
		s.parts = append(s.parts, &partition{})
	}
	registry.Lock()
	registry.m[name] = s
	registry.Unlock()
	return s
}

func lookup(name string) (*Source, bool) {
	registry.Lock()
	defer registry.Unlock()
	s, ok := registry.m[name]
	return s, ok
}

func names() []string {
	registry.Lock()
	defer registry.Unlock()
	return slices.Sorted(maps.Keys(registry.m))
}

// Kind implements engine.Source.
func (s *Source) Kind() string { return Kind }

// Options implements engine.Source.
func (s *Source) Options() any { return Options{Name: s.name} }

// Schema implements engine.Source.
func (s *Source) Schema() *arrow.Schema { return s.schema }

// Name is the source's name, the topic of its offsets.
func (s *Source) Name() string { return s.name }

// Add appends a record to partition p; the source retains it.
func (s *Source) Add(p int, rec arrow.RecordBatch) error {
	if !rec.Schema().Equal(s.schema) {
		return fmt.Errorf("memory: source %s: record schema %s is not the source's %s", s.name, rec.Schema(), s.schema)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	part, err := s.partition(p)
	if err != nil {
		return err
	}
	if rec.NumRows() == 0 {
		return nil
	}
	rec.Retain()
	part.recs = append(part.recs, rec)
	part.starts = append(part.starts, part.rows)
	part.rows += rec.NumRows()
	return nil
}

// AddJSON appends rows given as JSON objects, one per line, to partition p.
func (s *Source) AddJSON(p int, lines ...string) error {
	if len(lines) == 0 {
		return nil
	}
	rec, _, err := array.RecordFromJSON(s.mem, s.schema, strings.NewReader("["+strings.Join(lines, ",")+"]"))
	if err != nil {
		return fmt.Errorf("memory: source %s: rows do not match the schema: %v", s.name, err)
	}
	defer rec.Release()
	return s.Add(p, rec)
}

func (s *Source) partition(p int) (*partition, error) {
	if p < 0 || p >= len(s.parts) {
		return nil, fmt.Errorf("memory: source %s has partitions 0..%d, not %d", s.name, len(s.parts)-1, p)
	}
	return s.parts[p], nil
}

// Rows is the number of rows in partition p.
func (s *Source) Rows(p int) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p < 0 || p >= len(s.parts) {
		return 0
	}
	return s.parts[p].rows
}

// Committed returns the end offsets a query last committed.
func (s *Source) Committed() batch.Offsets {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.committed.Clone()
}

// Release frees the source's records and unregisters it.
func (s *Source) Release() {
	s.mu.Lock()
	for _, part := range s.parts {
		for _, r := range part.recs {
			r.Release()
		}
		*part = partition{}
	}
	s.mu.Unlock()
	registry.Lock()
	if registry.m[s.name] == s {
		delete(registry.m, s.name)
	}
	registry.Unlock()
}

// offsets maps every partition to f(partition).
func (s *Source) offsets(f func(*partition) int64) batch.Offsets {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := batch.Offsets{}
	for i, part := range s.parts {
		o.Set(s.name, int32(i), f(part))
	}
	return o
}
