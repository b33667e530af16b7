package rate

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/engine/batch"
)

func mustNew(t *testing.T, o Options) *Source {
	t.Helper()
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRowsAndTimesAreInverse(t *testing.T) {
	cases := []Options{
		{RowsPerSecond: 10, StartTimeMs: 1},
		{RowsPerSecond: 1000, RampUpTime: "10s", StartTimeMs: 1},
		{RowsPerSecond: 7, RampUpTime: "3s", NumPartitions: 3, StartTimeMs: 1},
	}
	for _, o := range cases {
		s := mustNew(t, o)
		for v := int64(0); v < 20000; v += 37 {
			us := s.timeOf(v)
			if got := s.rowsAt(time.Duration(us)*time.Microsecond + time.Millisecond); got <= v {
				t.Fatalf("%+v: row %d exists at %dus but rowsAt says %d", o, v, us, got)
			}
			if v > 0 && s.timeOf(v) < s.timeOf(v-1) {
				t.Fatalf("%+v: time of row %d goes back", o, v)
			}
		}
	}
}

func TestPartitionRows(t *testing.T) {
	s := mustNew(t, Options{NumPartitions: 3, StartTimeMs: 1})
	cases := []struct {
		n    int64
		want [3]int64
	}{{0, [3]int64{0, 0, 0}}, {1, [3]int64{1, 0, 0}}, {5, [3]int64{2, 2, 1}}, {6, [3]int64{2, 2, 2}}}
	for _, c := range cases {
		for k := 0; k < 3; k++ {
			if got := s.partitionRows(c.n, k); got != c.want[k] {
				t.Fatalf("n=%d k=%d: %d, want %d", c.n, k, got, c.want[k])
			}
		}
	}
}

func TestLatestOffsetsFollowTheClock(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := start.Add(2500 * time.Millisecond)
	s := mustNew(t, Options{RowsPerSecond: 100, NumPartitions: 2, StartTimeMs: start.UnixMilli()}).WithClock(func() time.Time { return now })
	st, _ := s.OpenStream(context.Background())
	end, err := st.LatestOffsets(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := end.Get(Topic, 0); a != 125 {
		t.Fatalf("partition 0 at 2.5s: %d rows, want 125", a)
	}
}

func TestReplayIsIdentical(t *testing.T) {
	s := mustNew(t, Options{RowsPerSecond: 3, NumPartitions: 2, StartTimeMs: 1_700_000_000_000})
	read := func() string {
		rd, _ := s.OpenReader(context.Background())
		var b strings.Builder
		err := rd.ReadRange(context.Background(), batch.Range{Topic: Topic, Partition: 1, From: 0, Until: 3}, func(rec arrow.RecordBatch) error {
			defer rec.Release()
			return array.RecordToJSON(rec, &b)
		})
		if err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	first := read()
	want := `{"timestamp":"2023-11-14T22:13:20.666667Z","value":1}
{"timestamp":"2023-11-14T22:13:21.333333Z","value":3}
{"timestamp":"2023-11-14T22:13:22Z","value":5}
`
	if first != want || read() != first {
		t.Fatalf("got\n%s", first)
	}
}

func TestPlanRoundTrip(t *testing.T) {
	s := mustNew(t, Options{RowsPerSecond: 5, RampUpTime: "1s", NumPartitions: 2})
	raw, _ := json.Marshal(s.Options())
	back, err := engine.DecodeSource(Kind, raw)
	if err != nil {
		t.Fatal(err)
	}
	if back.(*Source).opts != s.opts {
		t.Fatalf("options changed: %+v vs %+v", back.(*Source).opts, s.opts)
	}
	if _, err := engine.DecodeSource(Kind, json.RawMessage(`{"rowsPerSecond":1}`)); err == nil {
		t.Fatal("a plan without startTimeMs must be refused")
	}
}

func TestBadOptionsAndRanges(t *testing.T) {
	for _, o := range []Options{{RowsPerSecond: -1}, {NumPartitions: -2}, {RampUpTime: "soon"}} {
		if _, err := New(o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
	s := mustNew(t, Options{})
	rd, _ := s.OpenReader(context.Background())
	err := rd.ReadRange(context.Background(), batch.Range{Topic: Topic, Partition: 5, From: 0, Until: 1}, func(arrow.RecordBatch) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "partitions 0..0") {
		t.Fatalf("got %v", err)
	}
}
