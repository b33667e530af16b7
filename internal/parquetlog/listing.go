package parquetlog

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
)

// Listing is what a log folder holds.
type Listing struct {
	Deltas   []int64  // N of N.json, ascending
	Compacts []int64  // N of N.compact, ascending
	Temps    []string // names of temp files a cut-short write left
}

// NewListing sorts the names of a log folder's entries; names that are
// neither manifests nor temp files are ignored.
func NewListing(names []string) Listing {
	var ls Listing
	for _, name := range names {
		n, compact, ok := ParseName(name)
		switch {
		case ok && compact:
			ls.Compacts = append(ls.Compacts, n)
		case ok:
			ls.Deltas = append(ls.Deltas, n)
		case isTemp(name):
			ls.Temps = append(ls.Temps, name)
		}
	}
	slices.Sort(ls.Deltas)
	slices.Sort(ls.Compacts)
	return ls
}

// List lists root's log folder; ErrNoLog (wrapped) when there is none.
func List(root string) (Listing, error) {
	ents, err := os.ReadDir(Dir(root))
	if errors.Is(err, fs.ErrNotExist) {
		return Listing{}, fmt.Errorf("%w in %s (it is not the output of a spate Parquet sink, or no batch is committed yet)", ErrNoLog, root)
	}
	if err != nil {
		return Listing{}, fmt.Errorf("list %s: %w", Dir(root), err)
	}
	names := make([]string, len(ents))
	for i, e := range ents {
		names[i] = e.Name()
	}
	return NewListing(names), nil
}

// Latest is the last batch the log records, -1 when none.
func (ls Listing) Latest() int64 {
	n := int64(-1)
	if len(ls.Deltas) > 0 {
		n = ls.Deltas[len(ls.Deltas)-1]
	}
	if len(ls.Compacts) > 0 {
		n = max(n, ls.Compacts[len(ls.Compacts)-1])
	}
	return n
}

// LastCompact is the latest compaction, -1 when none.
func (ls Listing) LastCompact() int64 {
	if len(ls.Compacts) == 0 {
		return -1
	}
	return ls.Compacts[len(ls.Compacts)-1]
}

// HasDelta reports whether the log holds batch n's manifest N.json.
func (ls Listing) HasDelta(n int64) bool {
	_, found := slices.BinarySearch(ls.Deltas, n)
	return found
}

// ReadPlan is what a reader reads: the latest compaction (or -1) and every
// batch manifest after it, which must leave no gap.
func (ls Listing) ReadPlan() (compact int64, deltas []int64, err error) {
	compact = ls.LastCompact()
	from := compact + 1
	if compact < 0 {
		if len(ls.Deltas) == 0 {
			return -1, nil, nil
		}
		from = ls.Deltas[0]
	}
	for n := from; n <= ls.Latest(); n++ {
		if !ls.HasDelta(n) {
			return 0, nil, fmt.Errorf("_spate_log has no manifest of batch %d (between %d and %d); was a file of it deleted?", n, from, ls.Latest())
		}
		deltas = append(deltas, n)
	}
	return compact, deltas, nil
}
