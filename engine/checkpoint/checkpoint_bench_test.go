package checkpoint

import "testing"

// BenchmarkBatchRoundTrip is the checkpoint's cost per batch on a local
// folder: WriteOffsets, WriteCommit and Purge, each write fsynced.
func BenchmarkBatchRoundTrip(b *testing.B) {
	c, err := Open(b.TempDir(), testMeta, testPlanJSON)
	if err != nil {
		b.Fatal(err)
	}
	id := int64(0)
	for b.Loop() {
		if err := c.WriteOffsets(testPlan(id, 10*id)); err != nil {
			b.Fatal(err)
		}
		if err := c.WriteCommit(id, CommitInfo{NextBatchWatermarkMs: id}); err != nil {
			b.Fatal(err)
		}
		if err := c.Purge(0); err != nil {
			b.Fatal(err)
		}
		id++
	}
}

// BenchmarkRecover is a restart's cost with a full history (100 batches).
func BenchmarkRecover(b *testing.B) {
	c, err := Open(b.TempDir(), testMeta, testPlanJSON)
	if err != nil {
		b.Fatal(err)
	}
	for id := int64(0); id < 100; id++ {
		if err := c.WriteOffsets(testPlan(id, 10*id)); err != nil {
			b.Fatal(err)
		}
		if err := c.WriteCommit(id, CommitInfo{}); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		if _, err := c.Recover(); err != nil {
			b.Fatal(err)
		}
	}
}
