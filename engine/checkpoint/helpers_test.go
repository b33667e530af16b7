package checkpoint

import (
	"fmt"
	"testing"

	"github.com/spate-io/spate/engine/batch"
)

// testPlan is batch id of a one-partition query reading 10 offsets from
// start.
func testPlan(id, start int64) batch.Plan {
	return batch.Plan{
		ID: id,
		Sources: []batch.SourceRange{{
			Start: batch.Offsets{"clicks": {0: start}},
			End:   batch.Offsets{"clicks": {0: start + 10}},
		}},
		Tasks:     []batch.Task{{ID: 0, Ranges: []batch.Range{{Topic: "clicks", Partition: 0, From: start, Until: start + 10}}}},
		Watermark: 1000 * id,
		Timestamp: 1_700_000_000_000 + id,
	}
}

var testMeta = Metadata{ID: "6f1c1d3e-0000-4000-8000-000000000001", Name: "clicks-per-minute", PlanHash: "abc123"}

var testPlanJSON = []byte(`{"version":1,"name":"clicks-per-minute"}`)

func mustOpen(t *testing.T, dir string) *Checkpoint {
	t.Helper()
	c, err := Open(dir, testMeta, testPlanJSON)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return c
}

// writeBatches plans and commits batches 0..n-1.
func writeBatches(t *testing.T, c *Checkpoint, n int64) {
	t.Helper()
	for id := int64(0); id < n; id++ {
		if err := c.WriteOffsets(testPlan(id, 10*id)); err != nil {
			t.Fatalf("WriteOffsets(%d): %v", id, err)
		}
		if err := c.WriteCommit(id, CommitInfo{NextBatchWatermarkMs: 1000 * (id + 1)}); err != nil {
			t.Fatalf("WriteCommit(%d): %v", id, err)
		}
	}
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
