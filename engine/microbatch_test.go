package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/sink/console"
	memsink "github.com/spate-io/spate/sink/memory"
	memsrc "github.com/spate-io/spate/source/memory"
)

var eventSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

func addEvents(t *testing.T, src *memsrc.Source, p int, from, to int) {
	t.Helper()
	var lines []string
	for i := from; i < to; i++ {
		lines = append(lines, fmt.Sprintf(`{"id":%d,"name":"n%d"}`, i, i))
	}
	if err := src.AddJSON(p, lines...); err != nil {
		t.Fatal(err)
	}
}

func startQuery(t *testing.T, name string, src *memsrc.Source, sink engine.StreamSink, ckpt string, trig engine.Trigger) *engine.StreamingQuery {
	t.Helper()
	df := engine.NewSession(name).ReadStream(src).Filter(engine.Col("id").Mod(2).Eq(0)).
		Select(engine.Col("id"), engine.Upper(engine.Col("name")).As("name"))
	q, err := df.WriteStream(sink).Checkpoint(ckpt).Trigger(trig).Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Stop() })
	return q
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func sortedIDs(t *testing.T, sink *memsink.Sink) []string {
	rows, err := sink.JSONRows()
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(rows)
	return rows
}

func TestStreamingQueryProcessesBatchesAndRecordsProgress(t *testing.T) {
	src := memsrc.NewSource(t.Name(), eventSchema, 2)
	defer src.Release()
	sink := memsink.NewSink(t.Name())
	addEvents(t, src, 0, 0, 10)
	addEvents(t, src, 1, 10, 20)
	q := startQuery(t, "evens", src, sink, t.TempDir(), engine.ProcessingTime(0))
	if err := q.ProcessAllAvailable(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	addEvents(t, src, 1, 20, 30)
	if err := q.ProcessAllAvailable(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if got := sink.Rows(); got != 15 {
		t.Fatalf("sink has %d rows, want the 15 even ids of 0..29", got)
	}
	rows := sortedIDs(t, sink)
	if !strings.Contains(rows[0], `"N0"`) {
		t.Errorf("first row %s: want the upper-cased name", rows[0])
	}
	recent := q.RecentProgress()
	if len(recent) < 2 {
		t.Fatalf("want at least 2 progress records, got %d", len(recent))
	}
	last := recent[len(recent)-1]
	var in int64
	for _, p := range recent {
		in += p.NumInputRows
	}
	if in != 30 || last.Name != "evens" || last.ID == "" || last.RunID == "" {
		t.Errorf("progress: input rows %d (want 30), last %+v", in, last)
	}
	if end, _ := last.Sources[0].EndOffset.Get(t.Name(), 1); end != 20 {
		t.Errorf("last end offset of partition 1 = %d, want 20; progress %s", end, last.JSON())
	}
	if err := q.Stop(); err != nil {
		t.Fatal(err)
	}
	if q.IsActive() {
		t.Fatal("query still active after Stop")
	}
}

func TestStreamingQueryRestartContinuesFromCheckpoint(t *testing.T) {
	src := memsrc.NewSource(t.Name(), eventSchema, 1)
	defer src.Release()
	sink := memsink.NewSink(t.Name())
	ckpt := t.TempDir()
	addEvents(t, src, 0, 0, 10)
	q := startQuery(t, "restart", src, sink, ckpt, engine.ProcessingTime(0))
	if err := q.ProcessAllAvailable(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	q.Stop()
	addEvents(t, src, 0, 10, 20)
	q2 := startQuery(t, "restart", src, sink, ckpt, engine.ProcessingTime(0))
	if err := q2.ProcessAllAvailable(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if q2.ID() != q.ID() || q2.RunID() == q.RunID() {
		t.Errorf("ids: first %s/%s, second %s/%s: want the same id and a new run id", q.ID(), q.RunID(), q2.ID(), q2.RunID())
	}
	if got := sink.Rows(); got != 10 {
		t.Fatalf("sink has %d rows after restart, want 10 (each even id once)", got)
	}
}

func TestStreamingQueryRerunsUncommittedBatchExactly(t *testing.T) {
	src := memsrc.NewSource(t.Name(), eventSchema, 1)
	defer src.Release()
	sink := memsink.NewSink(t.Name())
	ckpt := t.TempDir()
	addEvents(t, src, 0, 0, 10)
	q := startQuery(t, "rerun", src, sink, ckpt, engine.AvailableNow())
	if err := q.AwaitTermination(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	// Forget that batch 0 was committed: the next run must replay it with
	// exactly the recorded range, though more data has arrived since.
	if err := os.Remove(filepath.Join(ckpt, "commits", "0")); err != nil {
		t.Fatal(err)
	}
	addEvents(t, src, 0, 10, 20)
	q2 := startQuery(t, "rerun", src, sink, ckpt, engine.AvailableNow())
	if err := q2.AwaitTermination(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	ps := q2.RecentProgress()
	if len(ps) != 2 || ps[0].BatchID != 0 || ps[0].NumInputRows != 10 || ps[1].BatchID != 1 || ps[1].NumInputRows != 10 {
		t.Fatalf("want batch 0 replayed with its 10 rows then batch 1 with 10; got %d batches: %+v", len(ps), ps)
	}
	if got := sink.Rows(); got != 10 {
		t.Errorf("sink has %d rows, want 10: the replayed batch replaces its first commit", got)
	}
}

func TestAvailableNowStopsAtTheOffsetsOfItsStart(t *testing.T) {
	src := memsrc.NewSource(t.Name(), eventSchema, 1)
	defer src.Release()
	var mu sync.Mutex
	var batches []int64
	sink := engine.ForeachBatch(func(_ context.Context, id int64, rows arrow.Table) error {
		mu.Lock()
		defer mu.Unlock()
		batches = append(batches, rows.NumRows())
		return nil
	})
	addEvents(t, src, 0, 0, 8)
	q := startQuery(t, "available-now", src, sink, "", engine.AvailableNow())
	if err := q.AwaitTermination(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(batches) != 1 || batches[0] != 4 {
		t.Fatalf("foreachBatch saw %v, want one batch of the 4 even rows", batches)
	}
}

func TestQueryWithoutCheckpointIsRefusedForDurableSinks(t *testing.T) {
	src := memsrc.NewSource(t.Name(), eventSchema, 1)
	defer src.Release()
	_, err := engine.NewSession("x").ReadStream(src).WriteStream(durableSink{}).Start(context.Background())
	if err == nil || !strings.Contains(err.Error(), "checkpoint") {
		t.Fatalf("err = %v, want a checkpoint location error", err)
	}
}

// durableSink is a sink kind that needs a checkpoint; it never runs.
type durableSink struct{ engine.StreamSink }

func init() {
	engine.RegisterSink("memory-durable-test", func(json.RawMessage) (engine.Sink, error) { return durableSink{}, nil })
}

func (durableSink) Kind() string { return "memory-durable-test" }
func (durableSink) Options() any { return struct{}{} }

func TestConsoleSinkPrintsEachBatchOfAStreamingQuery(t *testing.T) {
	src := memsrc.NewSource(t.Name(), eventSchema, 1)
	defer src.Release()
	var out syncBuffer
	addEvents(t, src, 0, 0, 4)
	q := startQuery(t, "console", src, console.New(console.Options{}).WithOutput(&out), "", engine.AvailableNow())
	if err := q.AwaitTermination(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{"Batch: 0", "N0", "N2"} {
		if !strings.Contains(got, want) {
			t.Fatalf("console output lacks %q:\n%s", want, got)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the sink's goroutine and the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
