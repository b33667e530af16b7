package checkpoint

import (
	"fmt"
)

// Checkpoint is one query's checkpoint. Its methods are meant for the one
// goroutine that runs the query's micro-batch loop; only one process may
// write a checkpoint at a time (a second one is caught by the exclusive
// writes, not prevented).
type Checkpoint struct {
	fs   FS
	meta Metadata
}

// Open opens the checkpoint in the local folder dir, creating it for a new
// query; see OpenFS.
func Open(dir string, meta Metadata, plan []byte) (*Checkpoint, error) {
	return OpenFS(NewLocal(dir), meta, plan)
}

// OpenFS opens the checkpoint on fsys. A new checkpoint gets plan.json
// (plan as given, when not nil) and metadata (meta, with a random ID when
// meta.ID is empty). An existing one must be this query's: a different
// meta.ID or meta.PlanHash is refused with a *MismatchError naming both.
// Leftovers of writes a crash interrupted are removed.
func OpenFS(fsys FS, meta Metadata, plan []byte) (*Checkpoint, error) {
	if tc, ok := fsys.(tempCleaner); ok {
		for _, dir := range []string{".", offsetsDir, commitsDir} {
			if err := tc.RemoveTemp(dir); err != nil {
				return nil, err
			}
		}
	}
	stored, err := openMetadata(fsys, meta, plan)
	if err != nil {
		return nil, err
	}
	return &Checkpoint{fs: fsys, meta: stored}, nil
}

// Metadata returns the query's metadata as the checkpoint records it.
func (c *Checkpoint) Metadata() Metadata { return c.meta }

// FS returns the storage under the checkpoint, for state stores under
// StateDir.
func (c *Checkpoint) FS() FS { return c.fs }

// Plan returns plan.json: the plan as submitted when the checkpoint was
// created.
func (c *Checkpoint) Plan() ([]byte, error) {
	b, err := c.fs.ReadFile(planFile)
	if err != nil {
		return nil, c.readError(planFile, err)
	}
	return b, nil
}

// DefaultMinBatchesToRetain is how many batches Purge keeps when given 0
// (Spark's spark.sql.streaming.minBatchesToRetain).
const DefaultMinBatchesToRetain = 100

// Purge deletes the offsets and commits of batches older than the latest
// minBatchesToRetain (0 means DefaultMinBatchesToRetain): with latest
// batch L it keeps ids >= L-minBatchesToRetain+1. It never deletes what
// Recover needs: the latest offsets and the latest commit and its offsets.
// Files go oldest first, so a crash part-way leaves a contiguous history.
func (c *Checkpoint) Purge(minBatchesToRetain int) error {
	if minBatchesToRetain < 0 {
		return fmt.Errorf("checkpoint: minBatchesToRetain is %d; it must be at least 1, or 0 for the default %d", minBatchesToRetain, DefaultMinBatchesToRetain)
	}
	if minBatchesToRetain == 0 {
		minBatchesToRetain = DefaultMinBatchesToRetain
	}
	keepFrom, err := c.purgeThreshold(int64(minBatchesToRetain))
	if err != nil {
		return err
	}
	for _, dir := range []string{commitsDir, offsetsDir} {
		if err := c.removeBelow(dir, keepFrom); err != nil {
			return err
		}
	}
	return nil
}

// purgeThreshold is the lowest batch id Purge keeps.
func (c *Checkpoint) purgeThreshold(retain int64) (int64, error) {
	latest, ok, err := latestID(c.fs, offsetsDir)
	if err != nil || !ok {
		return 0, err
	}
	keepFrom := latest - retain + 1
	if committed, ok, err := latestID(c.fs, commitsDir); err != nil {
		return 0, err
	} else if ok {
		keepFrom = min(keepFrom, committed)
	}
	return keepFrom, nil
}

func (c *Checkpoint) removeBelow(dir string, keepFrom int64) error {
	ids, err := batchIDs(c.fs, dir)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if id >= keepFrom {
			break
		}
		if err := c.fs.Remove(batchFile(dir, id)); err != nil {
			return err
		}
	}
	return nil
}
