package checkpoint

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/spate-io/spate/engine/batch"
)

const offsetsHint = "restore it from a backup; if it is the latest batch and has no commit, deleting it makes the query plan that batch again"

// WriteOffsets records batch p.ID's plan in offsets/<id>, before any of
// its tasks runs. Batches go in order: p.ID is 0 for a new checkpoint, or
// the latest batch plus one once the latest batch is committed. A batch
// is never written twice: offsets/<id> existing means another run of the
// query is using the checkpoint.
func (c *Checkpoint) WriteOffsets(p batch.Plan) error {
	if err := validatePlan(p); err != nil {
		return fmt.Errorf("checkpoint: refusing to write an invalid plan: %w", err)
	}
	if err := c.checkNextBatch(p.ID); err != nil {
		return err
	}
	data, err := encode(p)
	if err != nil {
		return err
	}
	err = c.fs.WriteFile(batchFile(offsetsDir, p.ID), data, true)
	if errors.Is(err, fs.ErrExist) {
		return c.exists(batchFile(offsetsDir, p.ID))
	}
	return err
}

// exists is the error of a batch file written twice.
func (c *Checkpoint) exists(name string) error {
	return fmt.Errorf("checkpoint: %s already exists: is another run of query %q using this checkpoint? %w", c.fs.Path(name), c.meta.Name, fs.ErrExist)
}

// checkNextBatch refuses a batch id that does not follow the log.
func (c *Checkpoint) checkNextBatch(id int64) error {
	latest, ok, err := latestID(c.fs, offsetsDir)
	if err != nil {
		return err
	}
	if !ok {
		if id != 0 {
			return fmt.Errorf("checkpoint: cannot write batch %d to %s: a new checkpoint starts at batch 0", id, c.fs.Path(offsetsDir))
		}
		return nil
	}
	if id <= latest {
		return c.exists(batchFile(offsetsDir, id))
	}
	if id != latest+1 {
		return fmt.Errorf("checkpoint: cannot write batch %d: the latest batch is %d and batches are written in order", id, latest)
	}
	committed, ok, err := latestID(c.fs, commitsDir)
	if err != nil {
		return err
	}
	if !ok || committed != latest {
		return fmt.Errorf("checkpoint: cannot write batch %d: batch %d is not committed (%s is missing)", id, latest, c.fs.Path(batchFile(commitsDir, latest)))
	}
	return nil
}

// ReadOffsets returns batch n's plan from offsets/<n>.
func (c *Checkpoint) ReadOffsets(n int64) (batch.Plan, error) {
	name := batchFile(offsetsDir, n)
	data, err := c.fs.ReadFile(name)
	if err != nil {
		return batch.Plan{}, c.readError(name, err)
	}
	return decodeOffsets(c.fs.Path(name), n, data)
}

// LatestOffsets returns the plan of the latest batch, and false when no
// batch was planned yet.
func (c *Checkpoint) LatestOffsets() (batch.Plan, bool, error) {
	id, ok, err := latestID(c.fs, offsetsDir)
	if err != nil || !ok {
		return batch.Plan{}, false, err
	}
	p, err := c.ReadOffsets(id)
	return p, err == nil, err
}

// decodeOffsets reads an offsets file for batch n, refusing anything that
// is not a plan for batch n.
func decodeOffsets(path string, n int64, data []byte) (batch.Plan, error) {
	var p batch.Plan
	if err := decode(path, offsetsHint, data, &p); err != nil {
		return batch.Plan{}, err
	}
	if p.ID != n {
		return batch.Plan{}, &CorruptError{Path: path, Reason: fmt.Sprintf("it holds batch %d, not %d", p.ID, n), Hint: offsetsHint}
	}
	if err := validatePlan(p); err != nil {
		return batch.Plan{}, &CorruptError{Path: path, Reason: err.Error(), Hint: offsetsHint}
	}
	return p, nil
}

// readError words a failed read, naming the file.
func (c *Checkpoint) readError(name string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("checkpoint: %s does not exist: %w", c.fs.Path(name), fs.ErrNotExist)
	}
	return err
}
