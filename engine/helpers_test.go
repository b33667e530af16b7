package engine_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/engine/batch"
	"github.com/spate-io/spate/engine/plan"
)

// runOneBatch runs batch batchID of q the way the streaming loop will:
// the plan goes through JSON, the source and sink are rebuilt from the
// registry, every partition of every source up to its latest offset is
// one task, each task compiles the plan, reads its range, writes to a task
// writer, and the sink commits the batch.
func runOneBatch(t testing.TB, q *plan.Query, batchID int64, mem memory.Allocator) (engine.Counters, error) {
	t.Helper()
	ctx := context.Background()
	b, err := plan.Marshal(q)
	if err != nil {
		return engine.Counters{}, err
	}
	if q, err = plan.Unmarshal(b); err != nil {
		return engine.Counters{}, err
	}
	snk, err := engine.DecodeSink(q.Sink.Kind, q.Sink.Options)
	if err != nil {
		return engine.Counters{}, err
	}
	sink := snk.(engine.StreamSink)
	var total engine.Counters
	var commits []json.RawMessage
	taskID := 0
	for si, ps := range q.Sources {
		s, err := engine.DecodeSource(ps.Kind, ps.Options)
		if err != nil {
			return total, err
		}
		src := s.(engine.StreamSource)
		ranges, err := latestRanges(ctx, src)
		if err != nil {
			return total, err
		}
		for _, rg := range ranges {
			msg, c, err := runTask(ctx, q, src, sink, si, taskID, batchID, rg, mem)
			if err != nil {
				return total, err
			}
			commits = append(commits, msg)
			total = add(total, c)
			taskID++
		}
	}
	return total, sink.CommitBatch(ctx, batchID, commits)
}

func runTask(ctx context.Context, q *plan.Query, src engine.StreamSource, sink engine.StreamSink, source, taskID int, batchID int64, rg batch.Range, mem memory.Allocator) (json.RawMessage, engine.Counters, error) {
	pipe, err := engine.Compile(q, engine.ExecEnv{Mem: mem, BatchID: batchID, Timestamp: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).UnixMilli(), Source: source, Ranges: []batch.Range{rg}})
	if err != nil {
		return nil, engine.Counters{}, err
	}
	w, err := sink.NewTaskWriter(ctx, engine.TaskInfo{QueryName: q.Name, BatchID: batchID, TaskID: taskID}, pipe.OutputSchema())
	if err != nil {
		return nil, engine.Counters{}, err
	}
	rd, err := src.OpenReader(ctx)
	if err != nil {
		return nil, engine.Counters{}, err
	}
	defer rd.Close()
	err = rd.ReadRange(ctx, rg, func(rec arrow.RecordBatch) error {
		defer rec.Release()
		return pipe.Process(ctx, rec, func(out arrow.RecordBatch) error { return w.Write(ctx, out) })
	})
	if err != nil {
		_ = w.Abort(ctx)
		return nil, pipe.Counters(), err
	}
	msg, err := w.Commit(ctx)
	return msg, pipe.Counters(), err
}

func latestRanges(ctx context.Context, src engine.StreamSource) ([]batch.Range, error) {
	st, err := src.OpenStream(ctx)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	end, err := st.LatestOffsets(ctx)
	if err != nil {
		return nil, err
	}
	var out []batch.Range
	for _, tp := range end.Partitions() {
		until, _ := end.Get(tp.Topic, tp.Partition)
		if until > 0 {
			out = append(out, batch.Range{Topic: tp.Topic, Partition: tp.Partition, From: 0, Until: until})
		}
	}
	return out, nil
}

func add(a, b engine.Counters) engine.Counters {
	a.RowsIn += b.RowsIn
	a.RowsOut += b.RowsOut
	a.Malformed += b.Malformed
	a.DroppedMalformed += b.DroppedMalformed
	a.Filtered += b.Filtered
	return a
}

func checkedAlloc(t *testing.T) *memory.CheckedAllocator {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}
