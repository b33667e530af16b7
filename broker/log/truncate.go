package log

import (
	"fmt"
	"os"
	"path/filepath"
)

// Truncate removes every record at and above offset to (a follower
// truncating to its leader's epoch end offset, KIP-101/279). The log is cut
// at the start of the batch holding to, so the new log end offset may be
// below to when to falls inside a batch. Indexes, producer state and the
// leader epoch history are cut with it. to at or above the log end offset
// is a no-op; below the log start offset an *OffsetOutOfRangeError (use
// Reset to start over).
func (l *Log) Truncate(to int64) error {
	l.appendMu.Lock()
	defer l.appendMu.Unlock()
	l.flushMu.Lock()
	defer l.flushMu.Unlock()
	if err := l.checkOpenLocked(); err != nil {
		return err
	}
	leo := l.leo.Load()
	if to >= leo {
		return nil
	}
	if start := l.LogStartOffset(); to < start {
		return &OffsetOutOfRangeError{Offset: to, LogStart: start, LogEnd: leo}
	}
	l.rewrites++
	if err := l.truncateSegments(to); err != nil {
		return err
	}
	if err := l.afterTruncation(); err != nil {
		return err
	}
	if err := l.lowerFirstDirty(l.leo.Load()); err != nil {
		return err
	}
	l.notify()
	return nil
}

// truncateSegments drops the segments after the one holding to and cuts
// that one. The caller holds appendMu and flushMu.
func (l *Log) truncateSegments(to int64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	i := l.segmentFor(to)
	seg := l.segs[i]
	dropped := l.segs[i+1:]
	if err := seg.loadIndex(l.interval.Load()); err != nil {
		return err
	}
	pos, found, err := seg.locate(to, l.hdrBuf[:])
	if err != nil {
		return err
	}
	if !found {
		pos = seg.size
	}
	for _, d := range dropped {
		if err := l.deleteSegmentFiles(d); err != nil {
			return err
		}
	}
	l.segs = l.segs[:i+1]
	if err := l.reopenAsActive(seg, pos); err != nil {
		return err
	}
	l.leo.Store(seg.next)
	l.logStart = min(l.logStart, seg.next)
	return nil
}

// reopenAsActive cuts seg at byte pos and makes it the active segment
// again, rebuilding its metadata from the remaining data. The caller holds
// mu.
func (l *Log) reopenAsActive(seg *segment, pos int64) error {
	if err := seg.file.f.Truncate(pos); err != nil {
		return fmt.Errorf("log: truncate %s: %w", seg.path(logSuffix), err)
	}
	interval := l.interval.Load()
	seg.resetMeta()
	res, err := scanBatches(seg.file.f, 0, pos, seg.base, seg.base, false, func(p int64, h *BatchHeader) {
		seg.noteBatch(p, h, interval)
	})
	if err != nil {
		return err
	}
	if res.badPos >= 0 {
		return &CorruptFileError{Path: seg.path(logSuffix), Pos: res.badPos, Offset: res.next, Reason: res.badWhy}
	}
	seg.sealed, seg.flushed = false, false
	if err := seg.closeIndexFiles(); err != nil {
		return err
	}
	seg.rollTs = l.nowMs()
	return seg.writeIndexFilesWhole()
}

// afterTruncation fits the epoch history, producer state and checkpoints
// to the new log end. The caller holds appendMu.
func (l *Log) afterTruncation() error {
	leo := l.leo.Load()
	l.mu.Lock()
	l.epochs.truncateFromEnd(leo)
	rp := l.recoveryPointLocked()
	l.mu.Unlock()
	if err := l.writeEpochCheckpoint(); err != nil {
		return err
	}
	if err := writeOffsetFile(filepath.Join(l.dir, recoveryFile), rp); err != nil {
		return err
	}
	return l.rebuildProducers()
}

// Reset deletes every segment and starts the log empty at offset start
// (Kafka's truncateFullyAndStartAt: a follower whose fetch offset fell
// below the leader's log start).
func (l *Log) Reset(start int64) error {
	if start < 0 {
		return fmt.Errorf("log: reset to offset %d: offsets are not negative", start)
	}
	l.appendMu.Lock()
	defer l.appendMu.Unlock()
	l.flushMu.Lock()
	defer l.flushMu.Unlock()
	if err := l.checkOpenLocked(); err != nil {
		return err
	}
	l.rewrites++
	l.mu.Lock()
	for _, s := range l.segs {
		if err := l.deleteSegmentFiles(s); err != nil {
			l.mu.Unlock()
			return err
		}
	}
	seg, err := createSegment(l.dir, start)
	if err != nil {
		l.segs = nil
		l.closed = true // no segment left to serve from
		l.mu.Unlock()
		return err
	}
	seg.rollTs = l.nowMs()
	l.segs = []*segment{seg}
	l.logStart = start
	l.leo.Store(start)
	l.epochs.entries = nil
	l.mu.Unlock()
	for _, off := range l.snapshotOffsets() {
		if err := removeFile(l.snapshotPath(off)); err != nil {
			return err
		}
	}
	l.producers = producerStates{}
	if err := writeOffsetFile(filepath.Join(l.dir, logStartFile), start); err != nil {
		return err
	}
	if err := l.afterTruncation(); err != nil {
		return err
	}
	if err := l.lowerFirstDirty(start); err != nil {
		return err
	}
	l.notify()
	return nil
}

// deleteSegmentFiles removes a segment from disk: its data is renamed to
// .deleted first, so a crash in the middle leaves no half-deleted segment
// that recovery would take for data. Readers holding the file keep reading
// it. The caller holds mu.
func (l *Log) deleteSegmentFiles(s *segment) error {
	s.deleted = true
	if err := s.closeIndexFiles(); err != nil {
		return err
	}
	p := s.path(logSuffix)
	if err := os.Rename(p, p+deletedSuffix); err != nil {
		return fmt.Errorf("log: delete segment %s: %w", p, err)
	}
	for _, name := range []string{p + deletedSuffix, s.path(indexSuffix), s.path(timeIndexSuffix)} {
		if err := removeFile(name); err != nil {
			return err
		}
	}
	return s.file.release()
}
