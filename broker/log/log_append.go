package log

import (
	"fmt"
	"math"
	"os"
)

// AppendOptions are the leader's per-append settings.
type AppendOptions struct {
	// LeaderEpoch is written into every batch's partitionLeaderEpoch and
	// recorded in the leader-epoch checkpoint, as Kafka's leader does. A
	// negative value keeps the field as the producer sent it (-1).
	LeaderEpoch int32
}

// AppendResult says where an append went.
type AppendResult struct {
	BaseOffset int64 // offset of the first record appended (or of the duplicate)
	LastOffset int64 // offset of the last record
	// LogAppendTime is the broker timestamp (ms) written into the batches
	// when the topic uses LogAppendTime, -1 otherwise (Produce v2+ returns it).
	LogAppendTime  int64
	LogStartOffset int64 // Produce v5+ returns it
	// Duplicate is true when the batch was a retry of an idempotent batch
	// already in the log: nothing was written, the offsets are the original ones.
	Duplicate bool
	Records   int64 // records appended
}

// appendBatch is one batch of an append in progress.
type appendBatch struct {
	pos int // byte position in the appended bytes
	h   BatchHeader
}

// stagedProducer is a producer's state as it will be after the append.
type stagedProducer struct {
	id    int64
	entry producerEntry
}

// Append appends the record batches a producer sent (the Produce request's
// records bytes: one or more v2 batches) as the partition's leader. It
// verifies every batch (magic, length, CRC32C, max.message.bytes), applies the
// idempotent producer rules, assigns offsets from the log end offset, stamps
// the leader epoch (and LogAppendTime if configured) and writes the bytes
// with one write. batches is modified in place and not retained.
//
// Errors wrap ErrUnsupportedMagic, ErrCorruptBatch, ErrBatchTooLarge,
// ErrInvalidRecord (a keyless record for a compacted topic: Kafka reads
// every record of a compacted topic's batches, and so does Append),
// ErrOutOfOrderSequence, ErrInvalidProducerEpoch or ErrClosed; on an error
// nothing was appended. A retried idempotent batch returns its original
// offsets with Duplicate set.
func (l *Log) Append(batches []byte, opts AppendOptions) (AppendResult, error) {
	l.appendMu.Lock()
	defer l.appendMu.Unlock()
	if err := l.checkOpenLocked(); err != nil {
		return AppendResult{}, err
	}
	if err := l.parseBatches(batches, true); err != nil {
		return AppendResult{}, err
	}
	if l.cfg.CleanupPolicy.Compacts() {
		if err := l.checkRecordKeys(batches); err != nil {
			return AppendResult{}, err
		}
	}
	if dup, ok, err := l.checkProducers(); err != nil || ok {
		return dup, err
	}
	now := l.nowMs()
	res := AppendResult{LogAppendTime: -1, BaseOffset: l.leo.Load()}
	next := res.BaseOffset
	for i := range l.scratch {
		ab := &l.scratch[i]
		b := batches[ab.pos : ab.pos+ab.h.Size()]
		SetBaseOffset(b, next)
		ab.h.BaseOffset = next
		if opts.LeaderEpoch >= 0 {
			SetPartitionLeaderEpoch(b, opts.LeaderEpoch)
			ab.h.PartitionLeaderEpoch = opts.LeaderEpoch
		}
		if l.cfg.TimestampType == LogAppendTime {
			SetLogAppendTime(b, now)
			ab.h.MaxTimestamp, ab.h.Attributes = now, ab.h.Attributes|attrLogAppendTime
			res.LogAppendTime = now
		}
		next = ab.h.NextOffset()
		res.Records += int64(ab.h.RecordCount)
	}
	res.LastOffset = next - 1
	if err := l.write(batches, now); err != nil {
		return AppendResult{}, err
	}
	res.LogStartOffset = l.LogStartOffset()
	return res, nil
}

// AppendReplicated appends batches a follower fetched from its leader:
// offsets, leader epochs and timestamps are kept as the leader assigned them.
// The first batch's base offset must be at or above the log end offset
// (ErrNonMonotonicOffset otherwise: truncate first). Producer state is
// updated without the leader's sequence checks.
func (l *Log) AppendReplicated(batches []byte) (AppendResult, error) {
	l.appendMu.Lock()
	defer l.appendMu.Unlock()
	if err := l.checkOpenLocked(); err != nil {
		return AppendResult{}, err
	}
	if err := l.parseBatches(batches, false); err != nil {
		return AppendResult{}, err
	}
	next := l.leo.Load()
	for _, ab := range l.scratch {
		if ab.h.BaseOffset < next {
			return AppendResult{}, fmt.Errorf("%w: batch at byte %d starts at offset %d, the log ends at %d", ErrNonMonotonicOffset, ab.pos, ab.h.BaseOffset, next)
		}
		next = ab.h.NextOffset()
	}
	l.staged = l.staged[:0]
	for _, ab := range l.scratch {
		if info, ok := producerInfoOf(&ab.h); ok {
			cur, known := l.stagedEntry(info.id)
			l.stage(info.id, applyProducerAppend(cur, known, info, ab.h.BaseOffset, ab.h.LastOffset(), l.nowMs()))
		}
	}
	first, last := l.scratch[0].h, l.scratch[len(l.scratch)-1].h
	if err := l.write(batches, l.nowMs()); err != nil {
		return AppendResult{}, err
	}
	return AppendResult{BaseOffset: first.BaseOffset, LastOffset: last.LastOffset(), LogAppendTime: -1, LogStartOffset: l.LogStartOffset()}, nil
}

// checkOpenLocked checks the log is open; the caller holds appendMu.
func (l *Log) checkOpenLocked() error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.checkOpen()
}

// parseBatches checks every batch of b and fills l.scratch. Leader appends
// also require a record count matching lastOffsetDelta, as Kafka's
// validator does for batches fresh from a client.
func (l *Log) parseBatches(b []byte, leader bool) error {
	l.scratch = l.scratch[:0]
	if len(b) == 0 {
		return &BatchError{Reason: "no record batches to append", Err: ErrCorruptBatch}
	}
	for pos := 0; pos < len(b); {
		h, err := CheckBatch(b[pos:], int(l.cfg.MaxMessageBytes))
		if err != nil {
			return atPos(err, pos)
		}
		if leader && (h.RecordCount < 1 || h.LastOffsetDelta != h.RecordCount-1) {
			return &BatchError{Pos: pos, Reason: fmt.Sprintf("record count %d does not match lastOffsetDelta %d", h.RecordCount, h.LastOffsetDelta), Err: ErrCorruptBatch}
		}
		l.scratch = append(l.scratch, appendBatch{pos: pos, h: h})
		pos += h.Size()
	}
	return nil
}

// producerInfoOf returns the producer fields of an idempotent batch.
func producerInfoOf(h *BatchHeader) (producerBatchInfo, bool) {
	if h.ProducerID < 0 || h.BaseSequence < 0 {
		return producerBatchInfo{}, false
	}
	return producerBatchInfo{id: h.ProducerID, epoch: h.ProducerEpoch, firstSeq: h.BaseSequence, lastSeq: h.LastSequence()}, true
}

// checkProducers applies the idempotence rules to l.scratch, staging the
// new producer states. A duplicate returns its original offsets with ok.
func (l *Log) checkProducers() (AppendResult, bool, error) {
	l.staged = l.staged[:0]
	next := l.leo.Load()
	now := l.nowMs()
	for _, ab := range l.scratch {
		info, ok := producerInfoOf(&ab.h)
		if !ok {
			next += int64(ab.h.LastOffsetDelta) + 1
			continue
		}
		cur, known := l.stagedEntry(info.id)
		dup, isDup, err := checkProducerAppend(cur, known, info)
		if err != nil {
			return AppendResult{}, false, err
		}
		if isDup {
			return AppendResult{BaseOffset: dup.firstOffset, LastOffset: dup.lastOffset, LogAppendTime: -1,
				LogStartOffset: l.LogStartOffset(), Duplicate: true}, true, nil
		}
		last := next + int64(ab.h.LastOffsetDelta)
		l.stage(info.id, applyProducerAppend(cur, known, info, next, last, now))
		next = last + 1
	}
	return AppendResult{}, false, nil
}

// stagedEntry returns a producer's state including this append's batches.
func (l *Log) stagedEntry(id int64) (producerEntry, bool) {
	for i := len(l.staged) - 1; i >= 0; i-- {
		if l.staged[i].id == id {
			return l.staged[i].entry, true
		}
	}
	e, ok := l.producers[id]
	return e, ok
}

func (l *Log) stage(id int64, e producerEntry) {
	l.staged = append(l.staged, stagedProducer{id: id, entry: e})
}

// write puts the parsed batches (l.scratch, offsets assigned) into the
// active segment, rolling first if needed, then publishes them to readers
// and commits the staged producer state. The caller holds appendMu.
func (l *Log) write(b []byte, nowMs int64) error {
	first, last := &l.scratch[0].h, &l.scratch[len(l.scratch)-1].h
	seg := l.active()
	if l.needsRoll(seg, int64(len(b)), last.LastOffset(), nowMs) {
		if err := l.roll(first.BaseOffset, nowMs); err != nil {
			return err
		}
		seg = l.active()
	}
	pos := seg.size
	if _, err := seg.file.f.WriteAt(b, pos); err != nil {
		// Cut a partial write so no reader or recovery ever sees it.
		_ = seg.file.f.Truncate(pos)
		return fmt.Errorf("log: write %d bytes to %s: %w", len(b), seg.path(logSuffix), err)
	}
	epochChanged := l.publish(seg, pos, nowMs)
	for _, sp := range l.staged {
		l.producers[sp.id] = sp.entry
	}
	var records int64
	for _, ab := range l.scratch {
		records += int64(ab.h.RecordCount)
	}
	l.unflushed += records
	if epochChanged {
		if err := l.writeEpochCheckpoint(); err != nil {
			return err
		}
	}
	l.notify()
	return l.maybeFlush()
}

// publish makes written batches visible: indexes, sizes, log end offset and
// leader epochs. It reports whether the epoch history changed.
func (l *Log) publish(seg *segment, pos, nowMs int64) bool {
	interval := int64(l.cfg.IndexIntervalBytes)
	l.mu.Lock()
	defer l.mu.Unlock()
	if seg.size == 0 {
		seg.rollTs = nowMs
	}
	changed := false
	for i := range l.scratch {
		h := &l.scratch[i].h
		seg.noteBatch(pos+int64(l.scratch[i].pos), h, interval)
		if h.PartitionLeaderEpoch >= 0 && l.epochs.assign(h.PartitionLeaderEpoch, h.BaseOffset) {
			changed = true
		}
	}
	l.leo.Store(seg.next)
	return changed
}

// needsRoll says whether incoming bytes must go to a new segment: the active
// one would pass segment.bytes, is older than segment.ms (or than
// max.compaction.lag.ms of a compacted log), has a full index, or the
// offsets would not fit its 32-bit relative offsets.
func (l *Log) needsRoll(seg *segment, incoming, lastOffset, nowMs int64) bool {
	if seg.size == 0 {
		return false
	}
	return seg.size+incoming > l.cfg.SegmentBytes ||
		nowMs-seg.rollTs >= l.cfg.SegmentMs ||
		l.compactionLagPassed(seg, nowMs) ||
		len(seg.idx) >= int(l.cfg.MaxIndexEntries) ||
		lastOffset-seg.base > math.MaxInt32
}

// roll seals the active segment and starts a new one at base. The sealed
// segment is fsynced in the background (with a producer snapshot at base),
// so an append never waits for a large fsync.
func (l *Log) roll(base, nowMs int64) error {
	old := l.active()
	seg, err := createSegment(l.dir, base)
	if err != nil {
		return err
	}
	seg.rollTs = nowMs
	l.mu.Lock()
	old.sealIndex()
	old.sealed = true
	l.segs = append(l.segs, seg)
	l.mu.Unlock()
	snap := encodeProducerSnapshot(l.producers)
	l.flushWG.Add(1)
	go l.flushSealed(old, base, snap)
	return nil
}

// createSegment creates an empty segment file.
func createSegment(dir string, base int64) (*segment, error) {
	s := &segment{base: base, dir: dir, next: base, maxTs: -1, maxTsOffset: -1}
	f, err := os.OpenFile(s.path(logSuffix), os.O_CREATE|os.O_RDWR|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("log: create segment: %w", err)
	}
	s.file = &segmentFile{f: f}
	s.file.refs.Store(1)
	s.loaded.Store(true)
	// Index files of an older segment at this base would be appended to.
	for _, suffix := range []string{indexSuffix, timeIndexSuffix} {
		if err := removeFile(s.path(suffix)); err != nil {
			f.Close()
			return nil, err
		}
	}
	return s, nil
}
