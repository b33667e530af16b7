package parquet

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
)

func TestConcurrentTasksOfOneBatch(t *testing.T) {
	const tasks, rows = 6, 700
	write := func(dir string, concurrent bool) map[string][]byte {
		mem := testAllocator(t)
		s := fixedClock(Sink(dir).Allocator(mem).PartitionBy("partition").MaxFileRows(300))
		msgs := make([]json.RawMessage, tasks)
		errs := make([]error, tasks)
		var wg sync.WaitGroup
		for i := range tasks {
			run := func() { msgs[i], errs[i] = runTask(s, 4, i, mem, i*rows, rows, 128) }
			if !concurrent {
				run()
				continue
			}
			wg.Add(1)
			go func() { defer wg.Done(); run() }()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		if err := s.CommitBatch(context.Background(), 4, msgs); err != nil {
			t.Fatal(err)
		}
		checkRows(t, readCommitted(t, dir), tasks*rows)
		return tree(t, dir)
	}
	concurrent := write(t.TempDir(), true)
	sequential := write(t.TempDir(), false)
	compareTrees(t, concurrent, sequential)
	if n := len(parquetFiles(concurrent)); n != tasks*3 {
		t.Errorf("%d files, want %d (one per task and partition folder)", n, tasks*3)
	}
}
