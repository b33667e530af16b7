package log

import (
	"fmt"
	"os"
)

// swapIn replaces the round's segments [from, to) with their cleaned
// segment, if the log still holds them unchanged (retention, truncation or
// Close may have come first: then the cleaned files are discarded and
// swapped is false).
//
// The swap is crash safe (Kafka's): the cleaned files are renamed to .swap,
// index files first and the .log last, which commits; then the old
// segments are renamed to .deleted and removed and the .swap files renamed
// into place. Open completes a committed swap and removes .cleaned files.
// Readers holding the old segments' files keep reading them.
func (r *cleanRound) swapIn(cs *cleanedSegment, from, to int) (bool, error) {
	l := r.l
	l.appendMu.Lock()
	defer l.appendMu.Unlock()
	l.flushMu.Lock()
	defer l.flushMu.Unlock()
	at, ok := r.stillHeld(from, to)
	if !ok {
		discardCleaned(cs)
		return false, nil
	}
	if err := commitSwap(cs.seg); err != nil {
		discardCleaned(cs)
		return false, err
	}
	l.mu.Lock()
	err := l.replaceSegments(at, to-from, cs.seg)
	if err != nil {
		// Half the old segments may be gone: serving from the rest would
		// be wrong. Open completes the committed swap.
		l.closed = true
	}
	l.mu.Unlock()
	if err != nil {
		l.notifyClosed()
		return false, fmt.Errorf("%w; the partition is closed: reopen it to complete the swap of %s", err, cs.seg.path(logSuffix+swapSuffix))
	}
	return true, syncDir(l.dir)
}

// stillHeld finds the round's segments [from, to) in the log: they must
// sit together, sealed, and no truncation may have happened since the
// round was planned. The caller holds appendMu.
func (r *cleanRound) stillHeld(from, to int) (int, bool) {
	l := r.l
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.closed || l.rewrites != r.rewrites {
		return 0, false
	}
	at := -1
	for i, s := range l.segs {
		if s == r.segs[from] {
			at = i
			break
		}
	}
	if at < 0 || at+(to-from) >= len(l.segs) { // the active segment is never replaced
		return 0, false
	}
	for k, want := range r.segs[from:to] {
		s := l.segs[at+k]
		if s != want || !s.sealed || s.deleted || s.size != r.stats[from+k].size {
			return 0, false
		}
	}
	return at, true
}

// commitSwap renames the cleaned files to .swap, the .log last, and makes
// the renames durable: from here a crash completes the swap.
func commitSwap(s *segment) error {
	for _, suffix := range []string{indexSuffix, timeIndexSuffix, logSuffix} {
		if err := os.Rename(cleanedPath(s, suffix), s.path(suffix+swapSuffix)); err != nil {
			return fmt.Errorf("log: commit cleaned segment: %w", err)
		}
	}
	return syncDir(s.dir)
}

// replaceSegments removes the n segments at index at and puts the swapped
// segment in their place, on disk and for readers. The caller holds mu.
func (l *Log) replaceSegments(at, n int, s *segment) error {
	for _, old := range l.segs[at : at+n] {
		if err := l.deleteSegmentFiles(old); err != nil {
			return err
		}
	}
	for _, suffix := range []string{indexSuffix, timeIndexSuffix, logSuffix} {
		if err := os.Rename(s.path(suffix+swapSuffix), s.path(suffix)); err != nil {
			return fmt.Errorf("log: swap in cleaned segment: %w", err)
		}
	}
	segs := append(append(append([]*segment(nil), l.segs[:at]...), s), l.segs[at+n:]...)
	l.segs = segs
	return nil
}
