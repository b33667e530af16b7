package log

import "path/filepath"

// Flush fsyncs the active segment and its indexes. Sealed segments are
// fsynced when they roll; this makes everything appended so far durable.
func (l *Log) Flush() error {
	l.appendMu.Lock()
	defer l.appendMu.Unlock()
	if err := l.checkOpenLocked(); err != nil {
		return err
	}
	return l.flushActive()
}

// maybeFlush applies flush.messages and flush.ms. The caller holds appendMu.
func (l *Log) maybeFlush() error {
	byCount := l.cfg.FlushMessages > 0 && l.unflushed >= l.cfg.FlushMessages
	byTime := l.cfg.FlushInterval > 0 && l.unflushed > 0 && l.clock().Sub(l.lastFlush) >= l.cfg.FlushInterval
	if byCount || byTime {
		return l.flushActive()
	}
	return nil
}

// flushActive fsyncs the active segment's data, then its index files. The
// caller holds appendMu.
func (l *Log) flushActive() error {
	if err := l.active().sync(); err != nil {
		return err
	}
	l.unflushed, l.lastFlush = 0, l.clock()
	return nil
}

// flushSealed runs in the background after a roll: it fsyncs the sealed
// segment and writes its complete index files, writes the producer snapshot
// taken at the roll, then advances the recovery point past the segment.
func (l *Log) flushSealed(seg *segment, snapOffset int64, snap []byte) {
	defer l.flushWG.Done()
	l.flushMu.Lock()
	defer l.flushMu.Unlock()
	if err := l.flushSealedLocked(seg, snapOffset, snap); err != nil {
		l.logger.Error("log: flushing a rolled segment failed; it will be validated at the next start", "segment", seg.path(logSuffix), "err", err)
	}
}

func (l *Log) flushSealedLocked(seg *segment, snapOffset int64, snap []byte) error {
	l.mu.RLock()
	deleted := seg.deleted || !seg.sealed
	l.mu.RUnlock()
	if deleted {
		return nil
	}
	if err := seg.sync(); err != nil {
		return err
	}
	if err := seg.closeIndexFiles(); err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(l.dir, offsetName(snapOffset)+snapshotSuffix), snap); err != nil {
		return err
	}
	l.mu.Lock()
	seg.flushed = true
	rp := l.recoveryPointLocked()
	l.mu.Unlock()
	if err := l.pruneSnapshots(); err != nil {
		return err
	}
	return writeOffsetFile(filepath.Join(l.dir, recoveryFile), rp)
}

// recoveryPointLocked is the base of the first segment not known durable:
// every segment below it is sealed and fsynced, and recovery after a crash
// validates only from there. The caller holds mu.
func (l *Log) recoveryPointLocked() int64 {
	for _, s := range l.segs {
		if !s.flushed {
			return s.base
		}
	}
	return l.active().base
}

// writeEpochCheckpoint persists the leader epoch history. The caller holds
// appendMu.
func (l *Log) writeEpochCheckpoint() error {
	l.mu.RLock()
	data := encodeEpochCheckpoint(l.epochs.entries)
	l.mu.RUnlock()
	return writeFileAtomic(filepath.Join(l.dir, epochFile), data)
}
