package log

import (
	"fmt"
)

// cleanRound is one compaction round in progress: what was planned under
// the log's locks, then worked on without them.
type cleanRound struct {
	l    *Log
	plan cleanPlan
	// segs are the segments the round may read, oldest first, with what
	// they were when planned (readers of a sealed segment need no lock).
	segs  []*segment
	stats []cleanSegStat
	// startPos is the byte position in segs[plan.dirtyFrom] of the batch
	// holding the first dirty offset.
	startPos int64
	rewrites int64 // the log's Truncate/Reset count when planned
	cleaner  batchCleaner
	cfg      Config
	interval int64
	horizon  int64 // earliest delete horizon of a tombstone kept, -1 none
	stat     CompactStats
}

// planRound looks at the log under its locks and returns a round to run,
// nil when none is due. The caller holds cleanMu.
func (l *Log) planRound(forced bool) (*cleanRound, error) {
	l.appendMu.Lock()
	defer l.appendMu.Unlock()
	if err := l.checkOpenLocked(); err != nil {
		return nil, err
	}
	if !l.cfg.CleanupPolicy.Compacts() {
		if forced {
			return nil, fmt.Errorf("log: compact %s: cleanup.policy is %s; set it to compact (or compact,delete) first", l.dir, l.cfg.CleanupPolicy)
		}
		return nil, nil
	}
	if forced {
		l.flushWG.Wait() // segments rolled just now become cleanable
	}
	r := &cleanRound{l: l, cfg: l.cfg, interval: int64(l.cfg.IndexIntervalBytes), rewrites: l.rewrites, horizon: -1}
	now := l.nowMs()
	logStart, limit := r.snapshotSegments()
	pol := cleanPolicyOf(l.cfg)
	if pol.maxLagMs > 0 {
		r.readFirstTimestamps()
	}
	r.plan = planCleaning(r.stats, l.cleaner.firstDirty, l.cleaner.horizon, logStart, limit, now, pol, forced)
	if r.plan.reason == "" {
		return nil, nil
	}
	if err := r.locateStart(); err != nil {
		return nil, err
	}
	r.cleaner.rules = cleanRules{
		nowMs:             now,
		deleteRetentionMs: max(l.cfg.DeleteRetention.Milliseconds(), 0),
		lastBatch:         lastBatches(l.producers),
	}
	n := r.readable(limit)
	r.segs, r.stats = r.segs[:n], r.stats[:n]
	r.plan.dirtyTo = min(r.plan.dirtyTo, n)
	for _, s := range r.segs {
		s.file.acquire()
	}
	return r, nil
}

// snapshotSegments records the log's segments as they are now, and returns
// the log start offset and the retention limit. The caller holds appendMu.
func (r *cleanRound) snapshotSegments() (logStart, limit int64) {
	l := r.l
	l.mu.RLock()
	defer l.mu.RUnlock()
	r.segs = append([]*segment(nil), l.segs...)
	r.stats = make([]cleanSegStat, len(r.segs))
	for i, s := range r.segs {
		r.stats[i] = cleanSegStat{base: s.base, next: s.next, size: s.size, maxTs: s.maxTs, firstTs: -1, ready: s.sealed && s.flushed && !s.deleted}
	}
	return l.logStart, l.retentionLimit
}

// lastBatches maps each producer to the last offset of its newest batch.
func lastBatches(ps producerStates) map[int64]int64 {
	m := make(map[int64]int64, len(ps))
	for id, e := range ps {
		if e.n > 0 {
			m[id] = e.lastOffset()
		}
	}
	return m
}

// readable counts the leading segments a round may read: sealed, fsynced
// and below limit.
func (r *cleanRound) readable(limit int64) int {
	n := 0
	for n < len(r.stats)-1 && r.stats[n].ready && r.stats[n].next <= limit {
		n++
	}
	return n
}

// readFirstTimestamps reads the first batch header of each dirty sealed
// segment, for max.compaction.lag.ms.
func (r *cleanRound) readFirstTimestamps() {
	var buf [batchHeaderSize]byte
	for i := range r.stats[:len(r.stats)-1] {
		st := &r.stats[i]
		if st.next <= r.l.cleaner.firstDirty || st.size < batchHeaderSize {
			continue
		}
		if _, err := r.segs[i].file.f.ReadAt(buf[:], 0); err == nil {
			var h BatchHeader
			decodeHeader(&h, buf[:])
			st.firstTs = h.MaxTimestamp
		}
	}
}

// locateStart finds the batch holding the first dirty offset in the first
// dirty segment. The caller holds appendMu.
func (r *cleanRound) locateStart() error {
	if r.plan.dirtyFrom >= r.plan.dirtyTo {
		return nil
	}
	s := r.segs[r.plan.dirtyFrom]
	if s.base >= r.plan.firstDirty {
		return nil
	}
	r.l.mu.RLock()
	defer r.l.mu.RUnlock()
	if err := s.loadIndex(r.interval); err != nil {
		return err
	}
	var buf [batchHeaderSize]byte
	pos, found, err := s.locate(r.plan.firstDirty, buf[:])
	if err == nil && !found {
		pos = s.size
	}
	r.startPos = pos
	return err
}

// release gives back the files the round held.
func (r *cleanRound) release() {
	for _, s := range r.segs {
		s.file.release()
	}
}

// buildMap maps the keys of the dirty records, segment by segment from the
// first dirty offset, until the map holds its limit of keys (it then stops
// at a batch boundary). It returns the offset after the mapped records.
func (r *cleanRound) buildMap(limit int) (int64, error) {
	keys := newOffsetMap(limit)
	r.cleaner.rules.keys = keys
	end := r.plan.firstDirty
	for i := r.plan.dirtyFrom; i < r.plan.dirtyTo; i++ {
		from := int64(0)
		if i == r.plan.dirtyFrom {
			from = r.startPos
		}
		full, err := r.mapSegment(i, from, keys, &end)
		if err != nil || full {
			return end, err
		}
		end = r.stats[i].next
	}
	return end, nil
}

// mapSegment puts the keys of segment i's dirty records into keys; end
// follows the last mapped batch. full is true when the map filled up.
func (r *cleanRound) mapSegment(i int, from int64, keys *offsetMap, end *int64) (bool, error) {
	full := false
	err := r.eachBatch(i, from, func(h *BatchHeader, b []byte) (bool, error) {
		if h.LastOffset() < r.plan.firstDirty {
			return true, nil
		}
		if keys.full() {
			full = true
			return false, nil
		}
		r.stat.RecordsMapped += int64(h.RecordCount)
		// Unreadable batches map nothing; the rewrite keeps and counts them.
		if !h.IsControl() && !h.IsTransactional() && h.RecordCount > 0 && r.cleaner.parse(b, h) == nil {
			for _, rec := range r.cleaner.all {
				if off := h.BaseOffset + int64(rec.offsetDelta); rec.key != nil && off >= r.plan.firstDirty {
					keys.put(rec.key, off)
				}
			}
		}
		*end = h.NextOffset()
		return true, nil
	})
	return full, err
}

// eachBatch calls fn with every batch of segment i from byte position
// from, each verified (CRC32C, offsets growing within the segment), until
// fn returns false. Damage is a *CorruptFileError: compaction must not
// give a damaged batch a fresh CRC.
func (r *cleanRound) eachBatch(i int, from int64, fn func(h *BatchHeader, b []byte) (bool, error)) error {
	s, st := r.segs[i], r.stats[i]
	sc := scanner{f: s.file.f, to: st.size}
	expect := st.base
	for pos := from; pos < st.size; {
		if r.l.closing.Load() {
			return errCleanAborted
		}
		if st.size-pos < batchHeaderSize {
			return r.corrupt(s, pos, expect, "the segment ends inside a batch header")
		}
		hb, err := sc.bytes(pos, batchHeaderSize)
		if err != nil {
			return err
		}
		h, err := ParseBatchHeader(hb)
		if err == nil {
			err = checkScanned(&h, pos, st.size, st.base, expect)
		}
		var b []byte
		if err == nil {
			if b, err = sc.bytes(pos, int64(h.Size())); err != nil {
				return err
			}
			err = VerifyCRC(b)
		}
		if err != nil {
			return r.corrupt(s, pos, expect, reasonOf(err))
		}
		r.stat.BytesRead += int64(h.Size())
		if more, err := fn(&h, b); err != nil || !more {
			return err
		}
		pos += int64(h.Size())
		expect = h.NextOffset()
	}
	return nil
}

func (r *cleanRound) corrupt(s *segment, pos, offset int64, why string) error {
	return &CorruptFileError{Path: s.path(logSuffix), Pos: pos, Offset: offset, Reason: why + " (found by compaction)"}
}
