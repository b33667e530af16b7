package memory

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/engine/batch"
)

// OpenStream implements engine.StreamSource.
func (s *Source) OpenStream(context.Context) (engine.Stream, error) { return stream{s}, nil }

// OpenReader implements engine.StreamSource.
func (s *Source) OpenReader(context.Context) (engine.RangeReader, error) { return reader{s}, nil }

type stream struct{ s *Source }

func (stream) Limits() batch.Limits { return batch.Limits{} }

func (st stream) InitialOffsets(context.Context) (batch.Offsets, error) {
	return st.s.offsets(func(*partition) int64 { return 0 }), nil
}

func (st stream) LatestOffsets(context.Context) (batch.Offsets, error) {
	return st.s.offsets(func(p *partition) int64 { return p.rows }), nil
}

func (st stream) EarliestOffsets(context.Context) (batch.Offsets, error) {
	return st.s.offsets(func(*partition) int64 { return 0 }), nil
}

func (st stream) Commit(_ context.Context, end batch.Offsets) error {
	st.s.mu.Lock()
	st.s.committed = end.Clone()
	st.s.mu.Unlock()
	return nil
}

func (stream) Close() error { return nil }

type reader struct{ s *Source }

func (reader) Close() error { return nil }

// ReadRange hands out zero-copy slices of the stored records covering
// exactly [r.From, r.Until).
func (rd reader) ReadRange(ctx context.Context, r batch.Range, emit func(arrow.RecordBatch) error) error {
	slices, err := rd.s.slices(r)
	if err != nil {
		return err
	}
	for i, sl := range slices {
		if err := ctx.Err(); err != nil {
			releaseFrom(slices, i)
			return err
		}
		if err := emit(sl); err != nil {
			releaseFrom(slices, i+1)
			return err
		}
	}
	return nil
}

func releaseFrom(recs []arrow.RecordBatch, i int) {
	for _, r := range recs[i:] {
		r.Release()
	}
}

// slices cuts the partition's records to the range, under the lock.
func (s *Source) slices(r batch.Range) ([]arrow.RecordBatch, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Topic != s.name {
		return nil, fmt.Errorf("memory: source %s has no topic %q", s.name, r.Topic)
	}
	part, err := s.partition(int(r.Partition))
	if err != nil {
		return nil, err
	}
	if r.From < 0 || r.From > r.Until || r.Until > part.rows {
		return nil, fmt.Errorf("memory: range %s is outside partition %d's offsets [0,%d)", r, r.Partition, part.rows)
	}
	var out []arrow.RecordBatch
	for i, rec := range part.recs {
		start, end := part.starts[i], part.starts[i]+rec.NumRows()
		lo, hi := max(start, r.From), min(end, r.Until)
		if lo < hi {
			out = append(out, rec.NewSlice(lo-start, hi-start))
		}
	}
	return out, nil
}

// ReadAll implements engine.BatchSource: every partition, in order. The
// records come from the source's memory whatever mem is.
func (s *Source) ReadAll(ctx context.Context, _ memory.Allocator, emit func(arrow.RecordBatch) error) error {
	rd := reader{s}
	for i := range s.parts {
		end := s.Rows(i)
		if end == 0 {
			continue
		}
		if err := rd.ReadRange(ctx, batch.Range{Topic: s.name, Partition: int32(i), From: 0, Until: end}, emit); err != nil {
			return err
		}
	}
	return nil
}
