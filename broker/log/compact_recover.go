package log

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// completeSwaps finishes what a crash interrupted in a compaction, before
// the segments are listed. Files of a cleaning that never committed
// (.cleaned, and .swap index files without their .log.swap) are removed:
// the old segments are intact, so that rolls it back. A committed swap
// (<base>.log.swap) is completed: the old segments it replaces, those
// whose base offset lies in [base, the swap's next offset), are removed
// and the .swap files renamed into place.
func (l *Log) completeSwaps() error {
	ents, err := os.ReadDir(l.dir)
	if err != nil {
		return fmt.Errorf("log: read partition folder: %w", err)
	}
	var swaps, bases []int64
	for _, e := range ents {
		name := e.Name()
		if strings.HasSuffix(name, cleanedSuffix) {
			if err := removeFile(filepath.Join(l.dir, name)); err != nil {
				return err
			}
		} else if base, ok := parseOffsetName(name, logSuffix+swapSuffix); ok {
			swaps = append(swaps, base)
		} else if base, ok := parseOffsetName(name, logSuffix); ok {
			bases = append(bases, base)
		}
	}
	slices.Sort(swaps)
	for _, base := range swaps {
		if err := l.completeSwap(base, bases); err != nil {
			return err
		}
	}
	if err := l.removeStraySwapIndexes(ents, swaps); err != nil {
		return err
	}
	if len(swaps) == 0 {
		return nil
	}
	return syncDir(l.dir)
}

// completeSwap puts <base>.log.swap in place of the segments it replaces.
func (l *Log) completeSwap(base int64, bases []int64) error {
	stem := filepath.Join(l.dir, offsetName(base))
	next, err := swapNextOffset(stem+logSuffix+swapSuffix, base)
	if err != nil {
		return err
	}
	end := max(next, base+1)
	for _, b := range bases {
		if b >= base && b < end {
			old := filepath.Join(l.dir, offsetName(b))
			for _, p := range []string{old + logSuffix, old + indexSuffix, old + timeIndexSuffix} {
				if err := removeFile(p); err != nil {
					return err
				}
			}
		}
	}
	for _, p := range []string{stem + indexSuffix, stem + timeIndexSuffix} {
		if err := removeFile(p); err != nil {
			return err
		}
	}
	if err := placeSwapIndexes(stem); err != nil {
		return err
	}
	if err := os.Rename(stem+logSuffix+swapSuffix, stem+logSuffix); err != nil {
		return fmt.Errorf("log: complete the swap of a compacted segment: %w", err)
	}
	l.logger.Warn("log: completed a compaction swap a crash interrupted", "segment", stem+logSuffix, "next_offset", next)
	return nil
}

// placeSwapIndexes renames both swapped index files into place, or removes
// them when one is missing (the segment's indexes are then rebuilt).
func placeSwapIndexes(stem string) error {
	idx, tidx := stem+indexSuffix+swapSuffix, stem+timeIndexSuffix+swapSuffix
	if fileExists(idx) && fileExists(tidx) {
		if err := os.Rename(idx, stem+indexSuffix); err != nil {
			return fmt.Errorf("log: complete a compaction swap: %w", err)
		}
		if err := os.Rename(tidx, stem+timeIndexSuffix); err != nil {
			return fmt.Errorf("log: complete a compaction swap: %w", err)
		}
		return nil
	}
	if err := removeFile(idx); err != nil {
		return err
	}
	return removeFile(tidx)
}

// swapNextOffset verifies a committed swap segment (it was fsynced before
// the commit, so damage is refused, not repaired) and returns the offset
// after its last batch, base when it is empty.
func swapNextOffset(path string, base int64) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("log: open %s: %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("log: stat %s: %w", path, err)
	}
	res, err := scanBatches(f, 0, st.Size(), base, base, true, func(int64, *BatchHeader) {})
	if err != nil {
		return 0, err
	}
	if res.badPos >= 0 {
		return 0, &CorruptFileError{Path: path, Pos: res.badPos, Offset: res.next, Reason: res.badWhy}
	}
	return res.next, nil
}

// removeStraySwapIndexes removes .swap index files whose .log.swap does
// not exist: their swap never committed.
func (l *Log) removeStraySwapIndexes(ents []os.DirEntry, swaps []int64) error {
	for _, e := range ents {
		for _, suffix := range []string{indexSuffix, timeIndexSuffix} {
			if base, ok := parseOffsetName(e.Name(), suffix+swapSuffix); ok && !slices.Contains(swaps, base) {
				if err := removeFile(filepath.Join(l.dir, e.Name())); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
