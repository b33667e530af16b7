package log

import (
	"os"
	"path/filepath"
	"slices"
)

// keptSnapshots is how many producer snapshots a partition keeps: recovery
// and truncation start from the newest one at or below their offset.
const keptSnapshots = 3

// snapshotOffsets lists the partition's producer snapshots, oldest first.
func (l *Log) snapshotOffsets() []int64 {
	ents, err := os.ReadDir(l.dir)
	if err != nil {
		return nil
	}
	var offs []int64
	for _, e := range ents {
		if off, ok := parseOffsetName(e.Name(), snapshotSuffix); ok {
			offs = append(offs, off)
		}
	}
	slices.Sort(offs)
	return offs
}

func (l *Log) snapshotPath(off int64) string {
	return filepath.Join(l.dir, offsetName(off)+snapshotSuffix)
}

// pruneSnapshots deletes snapshots below the first segment and all but the
// newest keptSnapshots.
func (l *Log) pruneSnapshots() error {
	l.mu.RLock()
	first := l.segs[0].base
	l.mu.RUnlock()
	offs := l.snapshotOffsets()
	for i, off := range offs {
		if off < first || i < len(offs)-keptSnapshots {
			if err := removeFile(l.snapshotPath(off)); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeSnapshot writes the current producer state as of the log end
// offset. The caller holds appendMu.
func (l *Log) writeSnapshot() error {
	leo := l.leo.Load()
	if err := writeFileAtomic(l.snapshotPath(leo), encodeProducerSnapshot(l.producers)); err != nil {
		return err
	}
	return l.pruneSnapshots()
}

// rebuildProducers recomputes the producer state as of the log end offset:
// the newest readable snapshot at or below it, then the batches after it.
// Snapshots above the log end (from before a truncation) are deleted. The
// caller holds appendMu (and no other lock).
func (l *Log) rebuildProducers() error {
	leo := l.leo.Load()
	l.mu.RLock()
	first := l.segs[0].base
	l.mu.RUnlock()
	state, from := producerStates{}, first
	offs := l.snapshotOffsets()
	for i := len(offs) - 1; i >= 0; i-- {
		off := offs[i]
		if off > leo {
			if err := removeFile(l.snapshotPath(off)); err != nil {
				return err
			}
			continue
		}
		if off < first {
			break
		}
		b, err := os.ReadFile(l.snapshotPath(off))
		if err == nil {
			var ps producerStates
			if ps, err = decodeProducerSnapshot(b); err == nil {
				state, from = ps, off
				break
			}
		}
		l.logger.Warn("log: ignoring an unreadable producer snapshot", "file", l.snapshotPath(off), "err", err)
	}
	if err := l.replayProducers(state, from); err != nil {
		return err
	}
	l.producers = state
	l.producers.evictBefore(l.LogStartOffset())
	return nil
}

// replayProducers applies the batches at or after from to state.
func (l *Log) replayProducers(state producerStates, from int64) error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	var buf [batchHeaderSize]byte
	for i := l.segmentFor(from); i < len(l.segs); i++ {
		seg := l.segs[i]
		if seg.next <= from || seg.size == 0 {
			continue
		}
		if err := seg.loadIndex(l.interval.Load()); err != nil {
			return err
		}
		pos, found, err := seg.locate(from, buf[:])
		if err != nil || !found {
			return err
		}
		_, err = scanBatches(seg.file.f, pos, seg.size, seg.base, 0, false, func(_ int64, h *BatchHeader) {
			if info, ok := producerInfoOf(h); ok && h.BaseOffset >= from {
				cur, known := state[info.id]
				state[info.id] = applyProducerAppend(cur, known, info, h.BaseOffset, h.LastOffset(), h.MaxTimestamp)
			}
		})
		if err != nil {
			return err
		}
	}
	return nil
}
