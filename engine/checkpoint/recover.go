package checkpoint

import (
	"fmt"

	"github.com/spate-io/spate/engine/batch"
)

// Action is what the loop does first after a (re)start.
type Action int

const (
	// Fresh: no batch was planned; plan batch 0 from the source's
	// initial offsets.
	Fresh Action = iota
	// Rerun: batch Plan.ID was planned but not committed; run it again
	// with exactly Plan's ranges and tasks, without planning.
	Rerun
	// Continue: batch Plan.ID was committed; plan batch Plan.ID+1
	// starting from Plan's end offsets.
	Continue
)

func (a Action) String() string {
	switch a {
	case Fresh:
		return "fresh"
	case Rerun:
		return "rerun"
	case Continue:
		return "continue"
	}
	return fmt.Sprintf("action(%d)", int(a))
}

// Recovery is the state a (re)started query resumes from.
type Recovery struct {
	Action Action
	// Plan is the batch to run again (Rerun) or the last committed batch
	// (Continue); zero for Fresh.
	Plan batch.Plan
	// Commit is the latest commit's record (batch Plan.ID for Continue,
	// Plan.ID-1 for Rerun) and HasCommit whether there is one.
	Commit    CommitInfo
	HasCommit bool
	// NextBatchID is the batch the loop runs or plans next.
	NextBatchID int64
}

// Recover reads the latest offsets and commit and says how to resume. A
// checkpoint whose files do not fit the protocol (a commit without its
// offsets, commits missing before the latest offsets) is refused with an
// error matching ErrDamaged; an unreadable file with its *CorruptError.
func (c *Checkpoint) Recover() (Recovery, error) {
	planned, hasPlanned, err := latestID(c.fs, offsetsDir)
	if err != nil {
		return Recovery{}, err
	}
	committed, hasCommitted, err := latestID(c.fs, commitsDir)
	if err != nil {
		return Recovery{}, err
	}
	action, err := c.decide(planned, hasPlanned, committed, hasCommitted)
	if err != nil || action == Fresh {
		return Recovery{Action: action}, err
	}
	return c.load(action, planned, committed, hasCommitted)
}

// decide is the recovery rule, from the latest ids alone.
func (c *Checkpoint) decide(planned int64, hasPlanned bool, committed int64, hasCommitted bool) (Action, error) {
	switch {
	case !hasPlanned && !hasCommitted:
		return Fresh, nil
	case hasCommitted && (!hasPlanned || committed > planned):
		return 0, fmt.Errorf("%w: %s exists but %s does not; restore the checkpoint from a backup",
			ErrDamaged, c.fs.Path(batchFile(commitsDir, committed)), c.fs.Path(batchFile(offsetsDir, committed)))
	case hasCommitted && committed == planned:
		return Continue, nil
	case hasCommitted && committed == planned-1, !hasCommitted && planned == 0:
		return Rerun, nil
	}
	return 0, fmt.Errorf("%w: %s exists but %s does not (batches are committed in order); restore the checkpoint from a backup",
		ErrDamaged, c.fs.Path(batchFile(offsetsDir, planned)), c.fs.Path(batchFile(commitsDir, planned-1)))
}

// load reads the files the decided action needs.
func (c *Checkpoint) load(action Action, planned, committed int64, hasCommitted bool) (Recovery, error) {
	r := Recovery{Action: action, HasCommit: hasCommitted}
	var err error
	if r.Plan, err = c.ReadOffsets(planned); err != nil {
		return Recovery{}, err
	}
	if hasCommitted {
		if r.Commit, err = c.ReadCommit(committed); err != nil {
			return Recovery{}, err
		}
	}
	r.NextBatchID = planned
	if action == Continue {
		r.NextBatchID = planned + 1
	}
	return r, nil
}
