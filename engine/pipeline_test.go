package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spate-io/spate/engine"
	msrc "github.com/spate-io/spate/source/memory"
)

// Empty batches emit nothing; batches of nulls flow through every step.
func TestProcessEmptyAndNullBatches(t *testing.T) {
	mem := checkedAlloc(t)
	src := msrc.NewKafkaSource("nulls", 1)
	defer src.Release()
	q, err := engine.NewSession("n").ReadStream(src).
		Select(engine.FromJSON(engine.Col("value"), clickSchema, map[string]string{"mode": "FAILFAST"}).As("c"), engine.Col("key")).
		Select(engine.Col("c.*"), engine.Col("key")).
		Filter(engine.Col("user_id").IsNull()).
		WithColumn("k", engine.Coalesce(engine.Col("key").Cast(arrow.BinaryTypes.String), "none")).
		Explode(engine.Split(engine.Col("k"), ","), "part").
		Plan()
	if err != nil {
		t.Fatal(err)
	}
	pipe, err := engine.Compile(q, engine.ExecEnv{Mem: mem})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	empty := array.NewRecordBatch(engine.KafkaSchema, emptyColumns(t, engine.KafkaSchema), 0)
	defer empty.Release()
	calls := 0
	if err := pipe.Process(ctx, empty, func(arrow.RecordBatch) error { calls++; return nil }); err != nil || calls != 0 {
		t.Fatalf("empty batch: %v, %d emits", err, calls)
	}
	_ = src.AddValues(0, nil, nil, nil)
	rec := readAllOne(t, src)
	defer rec.Release()
	var rows int64
	err = pipe.Process(ctx, rec, func(out arrow.RecordBatch) error {
		rows += out.NumRows()
		if got := out.Column(out.Schema().FieldIndices("part")[0]).(*array.String).Value(0); got != "none" {
			t.Errorf("part %q", got)
		}
		return nil
	})
	if err != nil || rows != 3 {
		t.Fatalf("null batch: %v, %d rows", err, rows)
	}
	other := array.NewRecordBatch(clickSchema, emptyColumns(t, clickSchema), 0)
	defer other.Release()
	if err := pipe.Process(ctx, other, func(arrow.RecordBatch) error { return nil }); err == nil || !strings.Contains(err.Error(), "do not have the schema the plan was built with") {
		t.Fatalf("wrong schema: %v", err)
	}
}

// A FAILFAST error names the record's topic, partition and offset and
// matches ErrMalformed.
func TestFailFastNamesTheRecord(t *testing.T) {
	src := msrc.NewKafkaSource("failfast", 3)
	defer src.Release()
	_ = src.AddValues(2, []byte(`{"user_id":1}`), []byte(`{"user_id":2}`), []byte(`{"user_id":`))
	q, err := engine.NewSession("f").ReadStream(src).
		Filter(engine.Col("offset").Ge(1)).
		Select(engine.FromJSON(engine.Col("value"), clickSchema, map[string]string{"mode": "failfast"})).
		Plan()
	if err != nil {
		t.Fatal(err)
	}
	pipe, err := engine.Compile(q, engine.ExecEnv{})
	if err != nil {
		t.Fatal(err)
	}
	rec := readAllOne(t, src)
	defer rec.Release()
	err = pipe.Process(context.Background(), rec, func(arrow.RecordBatch) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "malformed record at failfast-2 offset 2") || !errors.Is(err, engine.ErrMalformed) {
		t.Fatalf("got %v", err)
	}
}

func emptyColumns(t *testing.T, s *arrow.Schema) []arrow.Array {
	cols := make([]arrow.Array, s.NumFields())
	for i, f := range s.Fields() {
		cols[i] = array.MakeArrayOfNull(memory.DefaultAllocator, f.Type, 0)
	}
	t.Cleanup(func() {
		for _, c := range cols {
			c.Release()
		}
	})
	return cols
}

func readAllOne(t *testing.T, src *msrc.Source) arrow.RecordBatch {
	var out []arrow.RecordBatch
	if err := src.ReadAll(context.Background(), nil, func(r arrow.RecordBatch) error { out = append(out, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 {
		t.Fatalf("%d records", len(out))
	}
	return out[0]
}

// WithWatermark passes rows on and reports the event times it saw, from
// which the streaming loop moves the watermark.
func TestWatermarkReportsEventTimes(t *testing.T) {
	src := msrc.NewSource("wm", clickSchema, 1)
	defer src.Release()
	_ = src.AddJSON(0, `{"user_id":1,"ts":"2024-05-17T13:45:12Z"}`, `{"user_id":2,"ts":null}`, `{"user_id":3,"ts":"2024-05-17T13:40:00Z"}`)
	q, err := engine.NewSession("wm").ReadStream(src).WithWatermark("ts", time.Minute).Plan()
	if err != nil {
		t.Fatal(err)
	}
	if q.Root.Kind != "watermark" || q.Root.Delay.String() != "1m0s" {
		t.Fatalf("root %+v", q.Root)
	}
	pipe, err := engine.Compile(q, engine.ExecEnv{})
	if err != nil {
		t.Fatal(err)
	}
	rec := readAllOne(t, src)
	defer rec.Release()
	if err := pipe.Process(context.Background(), rec, func(arrow.RecordBatch) error { return nil }); err != nil {
		t.Fatal(err)
	}
	c := pipe.Counters()
	lo := time.Date(2024, 5, 17, 13, 40, 0, 0, time.UTC).UnixMicro()
	hi := time.Date(2024, 5, 17, 13, 45, 12, 0, time.UTC).UnixMicro()
	if !c.HasEventTime || c.EventTimeMin != lo || c.EventTimeMax != hi || c.RowsOut != 3 {
		t.Fatalf("counters %+v", c)
	}
}
