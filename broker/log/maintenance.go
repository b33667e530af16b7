package log

import (
	"path/filepath"
)

// DeleteRecordsBefore moves the log start offset up to offset (the
// DeleteRecords API) and deletes the segments wholly below it. It returns
// the new log start offset. An offset above the log end offset is an
// *OffsetOutOfRangeError; one at or below the log start changes nothing.
// The broker checks offset against the high watermark first, as Kafka does.
func (l *Log) DeleteRecordsBefore(offset int64) (int64, error) {
	l.appendMu.Lock()
	defer l.appendMu.Unlock()
	if err := l.checkOpenLocked(); err != nil {
		return 0, err
	}
	leo := l.leo.Load()
	start := l.LogStartOffset()
	if offset > leo || offset < 0 {
		return start, &OffsetOutOfRangeError{Offset: offset, LogStart: start, LogEnd: leo}
	}
	if offset <= start {
		return start, nil
	}
	if err := l.advanceStart(offset); err != nil {
		return offset, err
	}
	_, err := l.deleteSegments(l.planStartOnly())
	return offset, err
}

// advanceStart sets the log start offset and persists it. The caller holds
// appendMu.
func (l *Log) advanceStart(offset int64) error {
	l.mu.Lock()
	l.logStart = offset
	epochsChanged := l.epochs.truncateFromStart(offset)
	l.mu.Unlock()
	l.producers.evictBefore(offset)
	if epochsChanged {
		if err := l.writeEpochCheckpoint(); err != nil {
			return err
		}
	}
	return writeOffsetFile(filepath.Join(l.dir, logStartFile), offset)
}

// Maintain runs one pass of the background work the broker schedules
// (Manager does it on a tick): retention, flush.ms, forgetting idle
// producers and, for a compacted log, one compaction round when one is due
// (min.cleanable.dirty.ratio, max.compaction.lag.ms, a tombstone's delete
// horizon). Appends are not held up while the round reads and writes. It
// returns how many segments retention deleted.
func (l *Log) Maintain() (int, error) {
	n, err := l.maintainLocked()
	if err != nil {
		return n, err
	}
	if _, err := l.maybeCompact(); err != nil {
		return n, err
	}
	return n, nil
}

// maintainLocked is the part of Maintain done under appendMu.
func (l *Log) maintainLocked() (int, error) {
	l.appendMu.Lock()
	defer l.appendMu.Unlock()
	if err := l.checkOpenLocked(); err != nil {
		return 0, nil
	}
	n, err := l.enforceRetention()
	if err != nil {
		return n, err
	}
	if err := l.rollForCompactionLag(); err != nil {
		return n, err
	}
	l.producers.evictIdle(l.nowMs(), l.cfg.ProducerIDExpirationMs)
	return n, l.maybeFlush()
}

// rollForCompactionLag rolls an active segment older than
// max.compaction.lag.ms, so its records become compactable in time
// (KIP-354). The caller holds appendMu.
func (l *Log) rollForCompactionLag() error {
	now := l.nowMs()
	if seg := l.active(); l.compactionLagPassed(seg, now) {
		return l.roll(l.leo.Load(), now)
	}
	return nil
}

// compactionLagPassed says whether seg holds data older than
// max.compaction.lag.ms of a compacted log. The caller holds appendMu.
func (l *Log) compactionLagPassed(seg *segment, nowMs int64) bool {
	lag := l.cfg.MaxCompactionLag.Milliseconds()
	return l.cfg.CleanupPolicy.Compacts() && lag > 0 && seg.size > 0 && nowMs-seg.rollTs >= lag
}

// enforceRetention deletes the segments retention.ms, retention.bytes and
// the log start offset allow, rolling an expired active segment first.
// The caller holds appendMu.
func (l *Log) enforceRetention() (int, error) {
	plan := l.planRetention()
	if plan.rollActive {
		if err := l.roll(l.leo.Load(), l.nowMs()); err != nil {
			return 0, err
		}
		plan = l.planRetention()
	}
	return l.deleteSegments(plan)
}

// deleteSegments deletes the oldest segments as planned. The caller holds
// appendMu.
func (l *Log) deleteSegments(plan retentionPlan) (int, error) {
	if plan.delete == 0 {
		return 0, nil
	}
	l.flushMu.Lock()
	defer l.flushMu.Unlock()
	l.mu.Lock()
	victims := append([]*segment(nil), l.segs[:plan.delete]...)
	l.segs = append(l.segs[:0:0], l.segs[plan.delete:]...)
	newStart := max(l.logStart, l.segs[0].base)
	var err error
	for _, s := range victims {
		if e := l.deleteSegmentFiles(s); e != nil && err == nil {
			err = e
		}
	}
	l.mu.Unlock()
	l.logger.Info("log: retention deleted segments", "dir", l.dir, "segments", len(victims), "rule", plan.reason, "log_start", newStart)
	if err != nil {
		return len(victims), err
	}
	if err := l.advanceStart(newStart); err != nil {
		return len(victims), err
	}
	return len(victims), l.pruneSnapshots()
}

// planRetention plans with the configured retention; a log whose
// cleanup.policy lacks delete keeps its data whatever retention.ms and
// retention.bytes say. The caller holds appendMu.
func (l *Log) planRetention() retentionPlan {
	if !l.cfg.CleanupPolicy.Deletes() {
		return l.planStartOnly()
	}
	return l.plan(l.cfg.RetentionMs, l.cfg.RetentionBytes)
}

// planStartOnly plans deleting only the segments below the log start.
func (l *Log) planStartOnly() retentionPlan { return l.plan(-1, -1) }

func (l *Log) plan(retentionMs, retentionBytes int64) retentionPlan {
	l.mu.RLock()
	defer l.mu.RUnlock()
	stats := make([]segmentStat, len(l.segs))
	for i, s := range l.segs {
		stats[i] = segmentStat{base: s.base, next: s.next, size: s.size, maxTs: s.maxTs}
	}
	return planRetention(stats, retentionMs, retentionBytes, l.nowMs(), l.logStart, l.retentionLimit)
}
