package checkpoint

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
)

const commitsHint = "restore it from a backup, or delete it to run that batch again (sinks commit a batch idempotently)"

// CommitInfo is what the loop records when a batch is done.
type CommitInfo struct {
	// NextBatchWatermarkMs is the event-time watermark the next batch
	// runs with, in Unix milliseconds (Spark's commit log field).
	NextBatchWatermarkMs int64 `json:"nextBatchWatermarkMs"`
	// Extra holds whatever else the loop keeps per batch, by name; the
	// checkpoint stores it as given.
	Extra map[string]json.RawMessage `json:"extra,omitempty"`
}

// commitFile is commits/<n> on disk: the batch id guards against a file
// under the wrong name.
type commitFile struct {
	BatchID int64 `json:"batchId"`
	CommitInfo
}

// WriteCommit records that batch n is done: every task succeeded and the
// sink committed it. n is the latest batch of offsets/, not yet committed.
func (c *Checkpoint) WriteCommit(n int64, info CommitInfo) error {
	if err := c.checkCommit(n); err != nil {
		return err
	}
	data, err := encode(commitFile{BatchID: n, CommitInfo: info})
	if err != nil {
		return err
	}
	err = c.fs.WriteFile(batchFile(commitsDir, n), data, true)
	if errors.Is(err, fs.ErrExist) {
		return c.exists(batchFile(commitsDir, n))
	}
	return err
}

func (c *Checkpoint) checkCommit(n int64) error {
	latest, ok, err := latestID(c.fs, offsetsDir)
	if err != nil {
		return err
	}
	switch {
	case !ok:
		return fmt.Errorf("checkpoint: cannot commit batch %d: no batch is planned", n)
	case latest != n:
		return fmt.Errorf("checkpoint: cannot commit batch %d: it is not the latest planned batch (%d)", n, latest)
	}
	return nil
}

// ReadCommit returns what was recorded when batch n was committed.
func (c *Checkpoint) ReadCommit(n int64) (CommitInfo, error) {
	name := batchFile(commitsDir, n)
	data, err := c.fs.ReadFile(name)
	if err != nil {
		return CommitInfo{}, c.readError(name, err)
	}
	return decodeCommit(c.fs.Path(name), n, data)
}

// LatestCommit returns the id of the latest committed batch, and false
// when none is.
func (c *Checkpoint) LatestCommit() (int64, bool, error) {
	return latestID(c.fs, commitsDir)
}

func decodeCommit(path string, n int64, data []byte) (CommitInfo, error) {
	var f commitFile
	f.BatchID = -1
	if err := decode(path, commitsHint, data, &f); err != nil {
		return CommitInfo{}, err
	}
	if f.BatchID != n {
		return CommitInfo{}, &CorruptError{Path: path, Reason: fmt.Sprintf("it holds batch %d, not %d", f.BatchID, n), Hint: commitsHint}
	}
	return f.CommitInfo, nil
}
