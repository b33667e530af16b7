package kafka

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kversion"

	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/engine/batch"
)

// Reader is the executor's side of a Kafka source: it reads exact offset
// ranges into Arrow records. One Reader holds one franz-go client for its
// broker list and keeps it (connections, metadata, leaders) warm across
// ranges; ReadRange is safe for concurrent use, each call reading its own
// partition over the shared connections.
type Reader struct {
	opts         Options
	sub          *subscription
	cl           *kgo.Client
	adm          *kadm.Client
	mem          memory.Allocator
	decompressor kgo.Decompressor
	log          *slog.Logger

	// chunkRows and chunkBytes cut the records handed to emit.
	chunkRows, chunkBytes int

	ranges, records, bytes, fetches, lost atomic.Int64
}

var _ engine.RangeReader = (*Reader)(nil)

// ReaderStats counts what a Reader did since it was opened.
type ReaderStats struct {
	Ranges  int64 // ranges read to the end
	Records int64 // records emitted
	Bytes   int64 // key, value and header bytes emitted
	Fetches int64 // fetch requests answered
	// LostOffsets counts offsets skipped as lost with FailOnDataLoss(false).
	LostOffsets int64
}

func openReader(ctx context.Context, o Options, mem memory.Allocator) (*Reader, error) {
	sub, err := newSubscription(&o)
	if err != nil {
		return nil, err
	}
	versions := kversion.Stable()
	versions.SetMaxKeyVersion(1, 12) // Fetch by topic name; see fetchRequest
	cl, err := newClient(ctx, &o, kgo.MaxVersions(versions))
	if err != nil {
		return nil, err
	}
	return &Reader{
		opts:         o,
		sub:          sub,
		cl:           cl,
		adm:          kadm.NewClient(cl),
		mem:          mem,
		decompressor: kgo.DefaultDecompressor(),
		log:          slog.Default().With("source", Kind),
		chunkRows:    defaultChunkRows,
		chunkBytes:   defaultChunkBytes,
	}, nil
}

// ReadRange reads exactly the offsets [r.From, r.Until) of one partition
// and hands them to emit as records of the source's schema, in offset
// order, each of at most 64Ki rows or 16 MiB of data. Offsets without a
// record (transaction markers, compacted or aborted records) are passed
// over: the range ends when the next offset to fetch reaches Until, not
// when a record at Until-1 arrives. Lost offsets fail the range with a
// *DataLossError, or are skipped and counted with FailOnDataLoss(false).
// ReadRange returns when the range is read, ctx ends, emit fails, or the
// partition makes no progress for PollTimeout.
func (r *Reader) ReadRange(ctx context.Context, rg batch.Range, emit func(arrow.RecordBatch) error) error {
	if err := r.checkRange(rg); err != nil {
		return err
	}
	if rg.Len() == 0 {
		r.ranges.Add(1)
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops a fetch still in flight
	rr := newRangeRead(r, rg, emit)
	if err := rr.run(ctx); err != nil {
		return err
	}
	r.ranges.Add(1)
	return nil
}

// checkRange rejects a range the source cannot have planned.
func (r *Reader) checkRange(rg batch.Range) error {
	switch {
	case rg.From < 0 || rg.Until < rg.From:
		return fmt.Errorf("kafka: range %s is not a range of offsets (want 0 <= from <= until)", rg)
	case rg.Partition < 0:
		return fmt.Errorf("kafka: range %s names a negative partition", rg)
	case !r.sub.covers(rg.Topic, rg.Partition):
		return fmt.Errorf("kafka: range %s is not of a partition this source reads", rg)
	}
	return nil
}

// covers says whether topic/partition is one the subscription reads.
func (sub *subscription) covers(topic string, partition int32) bool {
	switch {
	case sub.pattern != nil:
		return sub.pattern.MatchString(topic)
	case sub.assign != nil:
		return slices.Contains(sub.assign[topic], partition)
	default:
		return slices.Contains(sub.topics, topic)
	}
}

// Stats returns the reader's counters.
func (r *Reader) Stats() ReaderStats {
	return ReaderStats{
		Ranges:      r.ranges.Load(),
		Records:     r.records.Load(),
		Bytes:       r.bytes.Load(),
		Fetches:     r.fetches.Load(),
		LostOffsets: r.lost.Load(),
	}
}

// Close releases the reader's connections.
func (r *Reader) Close() error {
	r.cl.Close()
	return nil
}
