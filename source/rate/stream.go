package rate

import (
	"context"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/engine/batch"
)

// OpenStream implements engine.StreamSource.
func (s *Source) OpenStream(context.Context) (engine.Stream, error) { return stream{s}, nil }

// OpenReader implements engine.StreamSource.
func (s *Source) OpenReader(context.Context) (engine.RangeReader, error) {
	return reader{s: s, mem: memory.DefaultAllocator}, nil
}

type stream struct{ s *Source }

func (stream) Limits() batch.Limits { return batch.Limits{} }

func (st stream) offsets(f func(k int) int64) batch.Offsets {
	o := batch.Offsets{}
	for k := 0; k < st.s.opts.NumPartitions; k++ {
		o.Set(Topic, int32(k), f(k))
	}
	return o
}

func (st stream) InitialOffsets(context.Context) (batch.Offsets, error) {
	return st.offsets(func(int) int64 { return 0 }), nil
}

func (st stream) EarliestOffsets(ctx context.Context) (batch.Offsets, error) {
	return st.InitialOffsets(ctx)
}

// LatestOffsets is every row that exists by now.
func (st stream) LatestOffsets(context.Context) (batch.Offsets, error) {
	n := st.s.rowsAt(st.s.clock().Sub(time.UnixMilli(st.s.opts.StartTimeMs)))
	return st.offsets(func(k int) int64 { return st.s.partitionRows(n, k) }), nil
}

func (stream) Commit(context.Context, batch.Offsets) error { return nil }
func (stream) Close() error                                { return nil }

type reader struct {
	s   *Source
	mem memory.Allocator
}

func (reader) Close() error { return nil }

// chunk bounds the rows of one emitted record.
const chunk = 1 << 16

// ReadRange makes rows [From, Until) of the partition; they depend on
// nothing but the options, so a replay is identical.
func (rd reader) ReadRange(ctx context.Context, r batch.Range, emit func(arrow.RecordBatch) error) error {
	p := rd.s.opts.NumPartitions
	if r.Topic != Topic || r.Partition < 0 || int(r.Partition) >= p || r.From < 0 || r.From > r.Until {
		return fmt.Errorf("rate: bad range %s: the source has topic %q, partitions 0..%d", r, Topic, p-1)
	}
	for from := r.From; from < r.Until; from += chunk {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := emit(rd.rows(int(r.Partition), from, min(from+chunk, r.Until))); err != nil {
			return err
		}
	}
	return nil
}

func (rd reader) rows(k int, from, until int64) arrow.RecordBatch {
	b := array.NewRecordBuilder(rd.mem, Schema)
	defer b.Release()
	ts := b.Field(0).(*array.TimestampBuilder)
	vals := b.Field(1).(*array.Int64Builder)
	n := int(until - from)
	ts.Reserve(n)
	vals.Reserve(n)
	start := rd.s.opts.StartTimeMs * 1000
	p := int64(rd.s.opts.NumPartitions)
	for off := from; off < until; off++ {
		v := off*p + int64(k)
		ts.UnsafeAppend(arrow.Timestamp(start + rd.s.timeOf(v)))
		vals.UnsafeAppend(v)
	}
	return b.NewRecordBatch()
}
