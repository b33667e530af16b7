package memory

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/engine/batch"
)

func readRange(t *testing.T, s *Source, r batch.Range) (offsets []int64, err error) {
	rd, _ := s.OpenReader(context.Background())
	defer rd.Close()
	err = rd.ReadRange(context.Background(), r, func(rec arrow.RecordBatch) error {
		defer rec.Release()
		col := rec.Column(4) // offset
		for i := 0; i < col.Len(); i++ {
			offsets = append(offsets, col.(interface{ Value(int) int64 }).Value(i))
		}
		return nil
	})
	return offsets, err
}

// Ranges read exactly [from, until) across the records the rows were
// added in.
func TestReadRangeIsExact(t *testing.T) {
	s := NewKafkaSource("test-exact", 2)
	defer s.Release()
	_ = s.AddValues(1, []byte("a"), []byte("b"))
	_ = s.AddValues(1, []byte("c"))
	_ = s.AddValues(1, []byte("d"), nil)
	got, err := readRange(t, s, batch.Range{Topic: "test-exact", Partition: 1, From: 1, Until: 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0] != 1 || got[2] != 3 {
		t.Fatalf("offsets %v", got)
	}
	st, _ := s.OpenStream(context.Background())
	end, _ := st.LatestOffsets(context.Background())
	if n, _ := end.Get("test-exact", 1); n != 5 {
		t.Fatalf("latest %v", end)
	}
	for _, bad := range []batch.Range{
		{Topic: "test-exact", Partition: 1, From: 0, Until: 6},
		{Topic: "test-exact", Partition: 2, From: 0, Until: 1},
		{Topic: "other", Partition: 0, From: 0, Until: 0},
		{Topic: "test-exact", Partition: 0, From: 2, Until: 1},
	} {
		if _, err := readRange(t, s, bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestRowsAndRegistry(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64}}, nil)
	s := NewSource("test-rows", schema, 1)
	defer s.Release()
	if err := s.AddJSON(0, `{"id":1}`, `{"id":"x"}`); err == nil {
		t.Fatal("a row of the wrong type was accepted")
	}
	if err := s.AddJSON(0, `{"id":1}`, `{"id":2}`); err != nil {
		t.Fatal(err)
	}
	if err := s.AddValues(0, []byte("v")); err == nil || !strings.Contains(err.Error(), "not Kafka-shaped") {
		t.Fatalf("got %v", err)
	}
	raw, _ := json.Marshal(s.Options())
	back, err := engine.DecodeSource(Kind, raw)
	if err != nil || back != engine.Source(s) {
		t.Fatalf("decode: %v", err)
	}
	if _, err := engine.DecodeSource(Kind, json.RawMessage(`{"name":"missing"}`)); err == nil {
		t.Fatal("unknown name accepted")
	}
}
