package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spate-io/spate/engine/batch"
)

// Collect runs a static DataFrame in this process and returns its rows as
// a table allocated from the session's allocator; release it when done.
// CurrentTimestamp is the time Collect started.
func (df DataFrame) Collect(ctx context.Context) (arrow.Table, error) {
	q, err := df.Plan()
	if err != nil {
		return nil, err
	}
	if df.IsStreaming() {
		return nil, fmt.Errorf("engine: Collect needs a static DataFrame (from Session.Read); start a streaming one with WriteStream")
	}
	mem := df.s.mem
	now := time.Now().UnixMilli()
	var recs []arrow.RecordBatch
	release := func() {
		for _, r := range recs {
			r.Release()
		}
	}
	for i, s := range df.sources {
		pipe, err := Compile(q, ExecEnv{Mem: mem, Timestamp: now, Source: i})
		if err != nil {
			release()
			return nil, err
		}
		err = readAll(ctx, s.src, mem, func(rec arrow.RecordBatch) error {
			defer rec.Release()
			return pipe.Process(ctx, rec, func(out arrow.RecordBatch) error {
				if !out.Schema().Equal(df.schema) {
					return fmt.Errorf("engine: Collect: a batch came out as %s, want %s", out.Schema(), df.schema)
				}
				out.Retain()
				recs = append(recs, out)
				return nil
			})
		})
		if err != nil {
			release()
			return nil, err
		}
	}
	defer release()
	return array.NewTableFromRecords(df.schema, recs), nil
}

// readAll reads a source whole: a BatchSource as it says, a StreamSource
// from its earliest to its latest offsets now.
func readAll(ctx context.Context, src Source, mem memory.Allocator, emit func(arrow.RecordBatch) error) error {
	if bs, ok := src.(BatchSource); ok {
		return bs.ReadAll(ctx, mem, emit)
	}
	ss, ok := src.(StreamSource)
	if !ok {
		return fmt.Errorf("engine: source %s cannot be read whole", src.Kind())
	}
	ranges, err := availableRanges(ctx, ss)
	if err != nil {
		return err
	}
	r, err := ss.OpenReader(ctx)
	if err != nil {
		return fmt.Errorf("engine: open source %s: %w", src.Kind(), err)
	}
	defer r.Close()
	for _, rg := range ranges {
		if err := r.ReadRange(ctx, rg, emit); err != nil {
			return fmt.Errorf("engine: read %s: %w", rg, err)
		}
	}
	return nil
}

// availableRanges is every partition's [earliest, latest) now.
func availableRanges(ctx context.Context, ss StreamSource) ([]batch.Range, error) {
	st, err := ss.OpenStream(ctx)
	if err != nil {
		return nil, fmt.Errorf("engine: open source %s: %w", ss.Kind(), err)
	}
	defer st.Close()
	start, err := st.EarliestOffsets(ctx)
	if err != nil {
		return nil, fmt.Errorf("engine: earliest offsets of %s: %w", ss.Kind(), err)
	}
	end, err := st.LatestOffsets(ctx)
	if err != nil {
		return nil, fmt.Errorf("engine: latest offsets of %s: %w", ss.Kind(), err)
	}
	var out []batch.Range
	for _, tp := range end.Partitions() {
		until, _ := end.Get(tp.Topic, tp.Partition)
		from, _ := start.Get(tp.Topic, tp.Partition)
		if until > from {
			out = append(out, batch.Range{Topic: tp.Topic, Partition: tp.Partition, From: from, Until: until})
		}
	}
	return out, nil
}
