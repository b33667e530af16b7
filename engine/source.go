package engine

import (
	"context"
	"encoding/json"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/spate-io/spate/engine/batch"
)

// Source is a connector that produces rows. Kind and Options are its
// description in the serialized plan; RegisterSource maps the kind back to a
// constructor, so a plan read from JSON finds the same source again.
type Source interface {
	// Kind names the connector as registered with RegisterSource ("kafka").
	Kind() string
	// Options returns the connector's options as a JSON-marshalable value;
	// the registered decoder turns that JSON back into the same source.
	Options() any
	// Schema is the schema of the rows the source produces.
	Schema() *arrow.Schema
}

// StreamSource is a Source that a streaming query reads in micro-batches of
// exact offset ranges.
type StreamSource interface {
	Source
	// OpenStream opens the driver's side: offset discovery and commits.
	OpenStream(ctx context.Context) (Stream, error)
	// OpenReader opens the executor's side: reading ranges. A reader may be
	// kept warm and reused for many tasks.
	OpenReader(ctx context.Context) (RangeReader, error)
}

// Stream is the driver's view of a streaming source.
type Stream interface {
	// Limits are the source's batch-shaping options.
	Limits() batch.Limits
	// InitialOffsets is where a new query starts (StartingOffsets resolved
	// against the source now).
	InitialOffsets(ctx context.Context) (batch.Offsets, error)
	// LatestOffsets is the end of what is available now, for every
	// partition the source reads (new partitions included).
	LatestOffsets(ctx context.Context) (batch.Offsets, error)
	// EarliestOffsets is the first offset still available per partition,
	// to detect data lost to retention and to start new partitions.
	EarliestOffsets(ctx context.Context) (batch.Offsets, error)
	// Commit is called after batch N is committed with the batch's end
	// offsets, e.g. to commit them to a Kafka consumer group so lag tools
	// see the query. It is advisory: the checkpoint is the truth.
	Commit(ctx context.Context, end batch.Offsets) error
	// Close releases the stream's connections.
	Close() error
}

// RangeReader is the executor's view of a streaming source.
type RangeReader interface {
	// ReadRange reads exactly the offsets [r.From, r.Until) of one
	// partition and hands them to emit as records of the source's schema.
	// emit takes ownership of each record (it releases it). ReadRange
	// returns when the range is read, ctx ends, or emit fails.
	ReadRange(ctx context.Context, r batch.Range, emit func(arrow.RecordBatch) error) error
	// Close releases the reader's connections.
	Close() error
}

// SourceDecoder rebuilds a source from its Options JSON.
type SourceDecoder func(options json.RawMessage) (Source, error)
