package engine

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// BatchSource is a Source read whole, for static DataFrames
// (Session.Read). A StreamSource works too: a static read takes what is
// available now, from the earliest offsets to the latest.
type BatchSource interface {
	Source
	// ReadAll reads every row and hands the records, allocated from mem,
	// to emit, which takes ownership of each (it releases it).
	ReadAll(ctx context.Context, mem memory.Allocator, emit func(arrow.RecordBatch) error) error
}
