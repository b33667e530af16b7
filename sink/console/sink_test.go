package console

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spate-io/spate/engine"
)

func TestPrintsBatchesLikeSpark(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "user_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "page", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "score", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	}, nil)
	rec, _, err := array.RecordFromJSON(memory.DefaultAllocator, schema, strings.NewReader(
		`[{"user_id":1,"page":"/home","score":1.5},{"user_id":22,"page":"/a/very/long/path/indeed","score":null},{"user_id":3,"page":null,"score":1e10}]`))
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Release()
	var out bytes.Buffer
	s := New(Options{NumRows: 2}).WithOutput(&out)
	ctx := context.Background()
	var commits []json.RawMessage
	for task := 0; task < 2; task++ {
		w, err := s.NewTaskWriter(ctx, engine.TaskInfo{BatchID: 3, TaskID: task}, schema)
		if err != nil {
			t.Fatal(err)
		}
		if task == 0 {
			if err := w.Write(ctx, rec); err != nil {
				t.Fatal(err)
			}
		}
		msg, err := w.Commit(ctx)
		if err != nil {
			t.Fatal(err)
		}
		commits = append(commits, msg)
	}
	if err := s.CommitBatch(ctx, 3, commits); err != nil {
		t.Fatal(err)
	}
	want := `-------------------------------------------
Batch: 3
-------------------------------------------
+-------+--------------------+-----+
|user_id|                page|score|
+-------+--------------------+-----+
|      1|               /home|  1.5|
|     22|/a/very/long/path...| null|
+-------+--------------------+-----+
only showing top 2 rows

`
	if out.String() != want {
		t.Fatalf("got\n%s", out.String())
	}
}

func TestDecodeFromPlanOptions(t *testing.T) {
	raw, _ := json.Marshal(New(Options{NumRows: 5, Truncate: -1}).Options())
	s, err := engine.DecodeSink(Kind, raw)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.(*Sink).opts; got.NumRows != 5 || got.Truncate != -1 {
		t.Fatalf("options %+v", got)
	}
	if _, err := engine.DecodeSink(Kind, json.RawMessage(`{"numRows":"x"}`)); err == nil {
		t.Fatal("bad options accepted")
	}
}
