package parquet

import (
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/internal/parquetlog"
)

// Kind is the sink's name in plans and in engine.RegisterSink.
const Kind = "parquet"

// FileSink writes a streaming query's output as Parquet files under one
// folder, exactly once: tasks write deterministic file names and the driver
// lists each batch's files in _spate_log. Build it with Sink and the chained
// setters; the setters record the value and Validate reports what is wrong.
type FileSink struct {
	opts Options
	mem  memory.Allocator
	now  func() time.Time

	// mu serialises CommitBatch calls: the log has one writer.
	mu sync.Mutex
}

var _ engine.StreamSink = (*FileSink)(nil)

func init() {
	engine.RegisterSink(Kind, decodeSink)
}

// Sink returns a Parquet sink writing under path.
func Sink(path string) *FileSink {
	return &FileSink{opts: Options{Path: path}}
}

// FromOptions returns the sink the options describe, validated.
func FromOptions(o Options) (*FileSink, error) {
	s := &FileSink{opts: o}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}

func decodeSink(raw json.RawMessage) (engine.Sink, error) {
	var o Options
	if err := parquetlog.DecodeStrict(raw, &o); err != nil {
		return nil, fmt.Errorf("parquet: bad sink options: %w", err)
	}
	return FromOptions(o)
}

// PartitionBy writes Hive-style col=value/ folders for the columns, in
// order; the columns are not written inside the files, as in Spark.
func (s *FileSink) PartitionBy(cols ...string) *FileSink {
	s.opts.PartitionBy = append([]string(nil), cols...)
	return s
}

// Compression sets the codec: snappy (the default), zstd, gzip or none.
func (s *FileSink) Compression(codec string) *FileSink {
	s.opts.Compression = codec
	return s
}

// RowGroupRows caps the rows of a row group (default 1,048,576).
func (s *FileSink) RowGroupRows(n int64) *FileSink {
	s.opts.RowGroupRows = n
	return s
}

// MaxFileRows rolls to a new file every n rows (default no limit).
func (s *FileSink) MaxFileRows(n int64) *FileSink {
	s.opts.MaxFileRows = n
	return s
}

// MaxFileBytes rolls to a new file once a file holds n compressed bytes
// (default no limit).
func (s *FileSink) MaxFileBytes(n int64) *FileSink {
	s.opts.MaxFileBytes = n
	return s
}

// Dictionary writes the columns with dictionary encoding; use it for
// low-cardinality strings.
func (s *FileSink) Dictionary(cols ...string) *FileSink {
	s.opts.Dictionary = append([]string(nil), cols...)
	return s
}

// StoreArrowSchema keeps (the default) or leaves out the Arrow schema in
// the files' metadata.
func (s *FileSink) StoreArrowSchema(store bool) *FileSink {
	s.opts.OmitArrowSchema = !store
	return s
}

// ManifestCompactInterval compacts _spate_log every n batches (default 10).
func (s *FileSink) ManifestCompactInterval(n int64) *FileSink {
	s.opts.ManifestCompactInterval = n
	return s
}

// ManifestRetention bounds the files listed in _spate_log:
// RetainBatches(n) or RetainFor(d). The default lists every file.
func (s *FileSink) ManifestRetention(r Retention) *FileSink {
	s.opts.Retention = r
	return s
}

// Allocator sets the memory allocator of the task writers (default
// memory.DefaultAllocator). It is not part of the plan.
func (s *FileSink) Allocator(mem memory.Allocator) *FileSink {
	s.mem = mem
	return s
}

// Kind is "parquet".
func (s *FileSink) Kind() string { return Kind }

// Options returns the sink's Options, a JSON-marshalable value.
func (s *FileSink) Options() any { return s.opts }

// Path is the output folder.
func (s *FileSink) Path() string { return s.opts.Path }

// Validate reports every option the sink cannot honour.
func (s *FileSink) Validate() error { return s.opts.validate() }

func (s *FileSink) allocator() memory.Allocator {
	if s.mem == nil {
		return memory.DefaultAllocator
	}
	return s.mem
}

func (s *FileSink) clock() time.Time {
	if s.now == nil {
		return time.Now()
	}
	return s.now()
}
