package engine_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/engine/plan"
	msrc "github.com/spate-io/spate/source/memory"
)

// FuzzFromJSON feeds arbitrary Kafka values (split on newlines into
// records) through a FromJSON pipeline in every mode: never a panic or a
// leak; PERMISSIVE keeps every row, DROPMALFORMED keeps rows in minus
// dropped, FAILFAST either keeps every row or fails with ErrMalformed.
func FuzzFromJSON(f *testing.F) {
	inputs, _ := filepath.Glob(filepath.Join("testdata", "jobs", "*", "input*.jsonl"))
	for _, p := range inputs {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("{\"user_id\":1,\"tags\":[\"a\"],\"score\":1e308}\n{\"ts\":\"2024-02-30\"}\n{\"page\":\"\\ud800\"}"))
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "user_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "page", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "ts", Type: arrow.FixedWidthTypes.Timestamp_us, Nullable: true},
		{Name: "tags", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
		{Name: "score", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "_corrupt_record", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	src := msrc.NewKafkaSource("fuzz-fromjson", 1)
	plans := map[string]*plan.Query{}
	for _, mode := range []string{"PERMISSIVE", "DROPMALFORMED", "FAILFAST"} {
		q, err := engine.NewSession("fuzz").ReadStream(src).
			Select(engine.FromJSON(engine.Col("value"), schema, map[string]string{"mode": mode}).As("c"), engine.Col("offset")).
			Select(engine.Col("c.*"), engine.Col("offset")).
			Filter(engine.Col("offset").Ge(0)).
			Select(engine.Col("*"), engine.Upper(engine.Col("page")), engine.Hour(engine.Col("ts")), engine.Size(engine.Col("tags"))).
			Plan()
		if err != nil {
			f.Fatal(err)
		}
		plans[mode] = q
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := bytes.Split(data, []byte("\n"))
		rec := kafkaValues(t, lines)
		defer rec.Release()
		for mode, q := range plans {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			pipe, err := engine.Compile(q, engine.ExecEnv{Mem: mem, Source: 0})
			if err != nil {
				t.Fatal(err)
			}
			var rows int64
			err = pipe.Process(context.Background(), rec, func(out arrow.RecordBatch) error {
				rows += out.NumRows()
				return nil
			})
			c := pipe.Counters()
			switch {
			case mode == "FAILFAST" && err != nil:
				if !bytes.Contains([]byte(err.Error()), []byte("offset")) {
					t.Fatalf("FAILFAST error does not name the offset: %v", err)
				}
			case err != nil:
				t.Fatalf("%s: %v", mode, err)
			case mode == "DROPMALFORMED" && rows != int64(len(lines))-c.DroppedMalformed:
				t.Fatalf("DROPMALFORMED: %d rows out of %d in, %d dropped", rows, len(lines), c.DroppedMalformed)
			case mode != "DROPMALFORMED" && rows != int64(len(lines)):
				t.Fatalf("%s: %d rows out of %d in", mode, rows, len(lines))
			}
			if n := mem.CurrentAlloc(); n != 0 {
				t.Fatalf("%s: %d bytes left allocated", mode, n)
			}
		}
	})
}

// kafkaValues makes one Kafka-shaped record holding values.
func kafkaValues(t *testing.T, values [][]byte) arrow.RecordBatch {
	src := msrc.NewKafkaSource("fuzz-values", 1)
	defer src.Release()
	if err := src.AddValues(0, values...); err != nil {
		t.Fatal(err)
	}
	var out arrow.RecordBatch
	err := src.ReadAll(context.Background(), nil, func(r arrow.RecordBatch) error {
		out = r
		return nil
	})
	if err != nil || out == nil {
		t.Fatalf("no record: %v", err)
	}
	return out
}
