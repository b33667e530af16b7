package driver

import (
	"cmp"
	"slices"

	"github.com/cespare/xxhash/v2"
)

// candidate is an executor as the placement of one task sees it.
type candidate struct {
	ID   string
	Name string
	// Free is the number of slots not taken.
	Free int
	// Excluded is true when the task already failed there; it is used only
	// when no other executor can run the task.
	Excluded bool
}

// score is the rendezvous (highest random weight) hash of a task key on an
// executor. Names, not registration ids, are hashed so that a restarted
// executor gets its partitions (and its warm consumers) back.
func score(key, name string) uint64 {
	h := xxhash.New()
	_, _ = h.WriteString(key)
	_, _ = h.Write([]byte{0})
	_, _ = h.WriteString(name)
	return h.Sum64()
}

// place picks the executor for a task with the given key: the highest
// scoring executor with a free slot, skipping executors the task failed on
// unless every candidate is one. It returns false when the task must wait
// for a slot: the preferred executors are full, or there is no candidate.
//
// Because every driver ranks the same way, a partition sticks to one
// executor across batches while the executor set is stable, and when an
// executor leaves only its partitions move (rendezvous hashing's minimal
// disruption).
func place(key string, cands []candidate) (string, bool) {
	pool := make([]candidate, 0, len(cands))
	for _, c := range cands {
		if !c.Excluded {
			pool = append(pool, c)
		}
	}
	if len(pool) == 0 {
		pool = cands
	}
	slices.SortFunc(pool, func(a, b candidate) int {
		if c := cmp.Compare(score(key, b.Name), score(key, a.Name)); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	for _, c := range pool {
		if c.Free > 0 {
			return c.ID, true
		}
	}
	return "", false
}
