package log

import (
	"errors"
)

// CompactStats says what compaction did.
type CompactStats struct {
	Rounds          int   // compaction rounds completed
	SegmentsRead    int   // segments rewritten
	SegmentsWritten int   // segments they became
	BytesRead       int64 // bytes of batches read, mapping and rewriting
	BytesWritten    int64 // bytes of batches written
	RecordsMapped   int64 // dirty records whose keys were mapped
	RecordsRead     int64 // records looked at while rewriting
	RecordsKept     int64 // records written back
	// OpaqueBatches counts batches kept whole because their records could
	// not be read (a CRC-valid batch with malformed records).
	OpaqueBatches int
	// FirstDirtyOffset is the first offset not yet compacted, afterwards.
	FirstDirtyOffset int64
}

func (s *CompactStats) add(o CompactStats) {
	s.Rounds += o.Rounds
	s.SegmentsRead += o.SegmentsRead
	s.SegmentsWritten += o.SegmentsWritten
	s.BytesRead += o.BytesRead
	s.BytesWritten += o.BytesWritten
	s.RecordsMapped += o.RecordsMapped
	s.RecordsRead += o.RecordsRead
	s.RecordsKept += o.RecordsKept
	s.OpaqueBatches += o.OpaqueBatches
	s.FirstDirtyOffset = o.FirstDirtyOffset
}

// maxForcedRounds bounds Compact: each round maps up to the map's limit of
// keys, so a very long dirty part takes several.
const maxForcedRounds = 64

// errCleanAborted stops a round when the log is closing.
var errCleanAborted = errors.New("log: compaction aborted: the log is closing")

// Compact compacts the log now, whatever min.cleanable.dirty.ratio says:
// every sealed segment is rewritten keeping the latest record of each key
// (tombstones until their delete horizon), until no dirty sealed data is
// left or after a bounded number of rounds. The active segment is never
// compacted, min.compaction.lag.ms and the retention limit (the high
// watermark) are honoured. It refuses a log whose cleanup.policy lacks
// compact. Maintain compacts when due, one round per call.
func (l *Log) Compact() (CompactStats, error) {
	var total CompactStats
	for range maxForcedRounds {
		st, ran, err := l.compactRound(true)
		total.add(st)
		if err != nil || !ran {
			return total, err
		}
	}
	return total, nil
}

// maybeCompact runs one round if one is due. Maintain calls it.
func (l *Log) maybeCompact() (CompactStats, error) {
	st, _, err := l.compactRound(false)
	return st, err
}

// compactRound runs one round; ran is false when none was due or the log
// changed under it (the round is then retried by a later call).
func (l *Log) compactRound(forced bool) (CompactStats, bool, error) {
	l.cleanMu.Lock()
	defer l.cleanMu.Unlock()
	if l.cleanerErr != nil {
		return CompactStats{}, false, l.cleanerErr
	}
	r, err := l.planRound(forced)
	if r == nil || err != nil {
		if errors.Is(err, ErrClosed) && !forced {
			err = nil
		}
		return CompactStats{FirstDirtyOffset: l.firstDirty()}, false, err
	}
	defer r.release()
	done, err := r.run()
	if err != nil && (l.closing.Load() || errors.Is(err, errCleanAborted) || r.logChanged()) {
		// The log closed or was truncated under the round, which read
		// what was cut: nothing to report, a later round starts afresh.
		err = nil
	}
	if errors.Is(err, ErrCorruptLog) {
		l.cleanerErr = err // as Kafka marks the partition uncleanable: no retry every tick
	}
	r.stat.FirstDirtyOffset = l.firstDirty()
	if err != nil || !done {
		return r.stat, false, err
	}
	r.stat.Rounds = 1
	l.logger.Info("log: compacted", "dir", l.dir, "reason", r.plan.reason, "segments", r.stat.SegmentsRead,
		"into", r.stat.SegmentsWritten, "records", r.stat.RecordsRead, "kept", r.stat.RecordsKept,
		"bytes_read", r.stat.BytesRead, "bytes_written", r.stat.BytesWritten, "first_dirty", r.stat.FirstDirtyOffset)
	return r.stat, true, nil
}

// run maps the dirty keys, then rewrites the log from its start through
// the mapped segments, group by group, each swapped in as soon as it is
// written. done is false when the log changed and the round stopped.
func (r *cleanRound) run() (bool, error) {
	mapEnd, err := r.buildMap(r.l.mapKeys)
	if err != nil {
		return false, err
	}
	r.cleaner.rules.mapEnd = mapEnd
	n := 0
	for n < len(r.stats) && r.stats[n].base < mapEnd {
		n++
	}
	for from, to := range groupRanges(r.stats, n, r.cfg, r.interval) {
		ok, err := r.compactGroup(from, to)
		if err != nil || !ok {
			return false, err
		}
	}
	return r.finish(cleanerState{firstDirty: mapEnd, horizon: r.horizon})
}

// logChanged reports whether a truncation came since the round was planned.
func (r *cleanRound) logChanged() bool {
	r.l.appendMu.Lock()
	defer r.l.appendMu.Unlock()
	return r.l.rewrites != r.rewrites
}

// finish records where compaction stands, unless a truncation came since
// the round was planned (its records may be gone; the next round sees).
func (r *cleanRound) finish(st cleanerState) (bool, error) {
	l := r.l
	l.appendMu.Lock()
	defer l.appendMu.Unlock()
	if l.rewrites != r.rewrites {
		return false, nil
	}
	if err := l.saveCleanerState(st); err != nil {
		return false, err
	}
	return true, nil
}

// compactGroup rewrites segments [from, to) into one and swaps it in. A
// group that would come out unchanged (one segment, nothing dropped) is
// left alone.
func (r *cleanRound) compactGroup(from, to int) (bool, error) {
	cs, err := r.writeGroup(from, to)
	if err != nil {
		return false, err
	}
	if !cs.changed {
		discardCleaned(cs)
		return true, nil
	}
	ok, err := r.swapIn(cs, from, to)
	if err != nil {
		r.l.cleanerErr = err
		return false, err
	}
	if ok {
		r.stat.SegmentsRead += to - from
		r.stat.SegmentsWritten++
	}
	return ok, nil
}

// groupRanges yields the [from, to) segment ranges of groupSegments.
func groupRanges(stats []cleanSegStat, n int, cfg Config, interval int64) func(func(int, int) bool) {
	return func(yield func(int, int) bool) {
		from := 0
		for _, to := range groupSegments(stats, n, cfg.SegmentBytes, int64(cfg.MaxIndexEntries), interval) {
			if !yield(from, to) {
				return
			}
			from = to
		}
	}
}
