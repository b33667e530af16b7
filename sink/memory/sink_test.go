package memory

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spate-io/spate/engine"
)

var schema = arrow.NewSchema([]arrow.Field{{Name: "n", Type: arrow.PrimitiveTypes.Int64, Nullable: true}}, nil)

func taskOutput(t *testing.T, s *Sink, rows string) json.RawMessage {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec, _, err := array.RecordFromJSON(mem, schema, strings.NewReader(rows))
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Release()
	w, err := s.NewTaskWriter(context.Background(), engine.TaskInfo{}, schema)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
	msg, err := w.Commit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

// A replayed batch replaces its first commit: each batch appears once.
func TestCommitIsExactlyOncePerBatch(t *testing.T) {
	s := NewSink("test-exactly-once")
	defer s.Reset()
	ctx := context.Background()
	first := []json.RawMessage{taskOutput(t, s, `[{"n":1},{"n":2}]`), taskOutput(t, s, `[{"n":3}]`)}
	if err := s.CommitBatch(ctx, 0, first); err != nil {
		t.Fatal(err)
	}
	if err := s.CommitBatch(ctx, 0, first); err != nil {
		t.Fatal(err)
	}
	if err := s.CommitBatch(ctx, 1, []json.RawMessage{taskOutput(t, s, `[{"n":4}]`)}); err != nil {
		t.Fatal(err)
	}
	rows, err := s.JSONRows()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows, ""); got != `{"n":1}{"n":2}{"n":3}{"n":4}` {
		t.Fatalf("rows %s", got)
	}
	if s.Commits(0) != 2 || s.Rows() != 4 || len(s.BatchIDs()) != 2 {
		t.Fatalf("commits %d rows %d batches %v", s.Commits(0), s.Rows(), s.BatchIDs())
	}
}

func TestBadCommitMessagesAreErrors(t *testing.T) {
	s := NewSink("test-bad")
	for _, raw := range []string{`{`, `{"ipc":"bm90IGlwYw=="}`} {
		if err := s.CommitBatch(context.Background(), 0, []json.RawMessage{json.RawMessage(raw)}); err == nil {
			t.Errorf("%s accepted", raw)
		}
	}
	if _, err := engine.DecodeSink(Kind, json.RawMessage(`{"name":"nobody"}`)); err == nil || !strings.Contains(err.Error(), "no sink named") {
		t.Fatalf("got %v", err)
	}
	w, _ := s.NewTaskWriter(context.Background(), engine.TaskInfo{}, schema)
	_ = w.Abort(context.Background())
	if _, err := w.Commit(context.Background()); err == nil {
		t.Fatal("commit after abort accepted")
	}
}
