package log

import (
	"bufio"
	"fmt"
	"math"
	"os"
)

// File suffixes of a compaction in progress, Kafka's: a cleaned segment is
// written as <base>.log.cleaned (and its indexes likewise), renamed to
// .swap once complete and fsynced (the commit point), then into place.
const (
	cleanedSuffix = ".cleaned"
	swapSuffix    = ".swap"
)

// cleanedSegment is a group's rewritten segment, written beside the log.
type cleanedSegment struct {
	seg     *segment // sealed, indexes complete; its file is <base>.log.cleaned
	changed bool     // some batch was dropped or rewritten
}

// cleanedPath is where a segment's file is written before the swap.
func cleanedPath(s *segment, suffix string) string { return s.path(suffix + cleanedSuffix) }

// writeGroup compacts segments [from, to) of the round into one new
// segment at the first one's base offset, as .cleaned files, fsynced.
func (r *cleanRound) writeGroup(from, to int) (*cleanedSegment, error) {
	out := &segment{base: r.stats[from].base, dir: r.l.dir, next: r.stats[from].base, maxTs: -1, maxTsOffset: -1}
	f, err := os.OpenFile(cleanedPath(out, logSuffix), os.O_CREATE|os.O_TRUNC|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("log: create cleaned segment: %w", err)
	}
	out.file = &segmentFile{f: f}
	out.file.refs.Store(1)
	cs := &cleanedSegment{seg: out, changed: to-from > 1}
	if err := r.fillGroup(cs, from, to); err != nil {
		discardCleaned(cs)
		return nil, err
	}
	return cs, nil
}

// fillGroup writes the kept batches of the group and the indexes.
func (r *cleanRound) fillGroup(cs *cleanedSegment, from, to int) error {
	out := cs.seg
	w := bufio.NewWriterSize(out.file.f, 1<<20)
	for i := from; i < to; i++ {
		err := r.eachBatch(i, 0, func(h *BatchHeader, b []byte) (bool, error) {
			return true, r.writeBatch(cs, w, h, b)
		})
		if err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("log: write %s: %w", cleanedPath(out, logSuffix), err)
	}
	out.sealIndex()
	out.next = r.stats[to-1].next
	out.loaded.Store(true)
	out.sealed, out.flushed = true, true
	if err := fsync(out.file.f); err != nil {
		return fmt.Errorf("log: fsync %s: %w", cleanedPath(out, logSuffix), err)
	}
	if err := writeFileSynced(cleanedPath(out, indexSuffix), appendOffsetIndex(nil, out.idx)); err != nil {
		return err
	}
	if err := writeFileSynced(cleanedPath(out, timeIndexSuffix), appendTimeIndex(nil, out.tidx)); err != nil {
		return err
	}
	out.idxWritten, out.tidxWritten = len(out.idx), len(out.tidx)
	return nil
}

// writeBatch cleans one batch and writes what is kept.
func (r *cleanRound) writeBatch(cs *cleanedSegment, w *bufio.Writer, h *BatchHeader, b []byte) error {
	res, err := r.cleaner.clean(b, h)
	if err != nil {
		return err
	}
	r.stat.RecordsRead += int64(res.recordsIn)
	r.stat.RecordsKept += int64(res.recordsOut)
	if res.opaque {
		r.stat.OpaqueBatches++
	}
	if res.horizon >= 0 && (r.horizon < 0 || res.horizon < r.horizon) {
		r.horizon = res.horizon
	}
	cs.changed = cs.changed || res.changed
	if res.batch == nil {
		return nil
	}
	out := cs.seg
	if out.size+int64(len(res.batch)) > math.MaxInt32 {
		return fmt.Errorf("log: compacted segment %s would pass 2 GiB; lower segment.bytes", cleanedPath(out, logSuffix))
	}
	if _, err := w.Write(res.batch); err != nil {
		return fmt.Errorf("log: write %s: %w", cleanedPath(out, logSuffix), err)
	}
	var nh BatchHeader
	decodeHeader(&nh, res.batch)
	out.noteBatch(out.size, &nh, r.interval)
	r.stat.BytesWritten += int64(len(res.batch))
	return nil
}

// discardCleaned closes and removes a cleaned segment that will not be
// swapped in.
func discardCleaned(cs *cleanedSegment) {
	cs.seg.file.release()
	for _, suffix := range []string{logSuffix, indexSuffix, timeIndexSuffix} {
		_ = removeFile(cleanedPath(cs.seg, suffix))
	}
}
