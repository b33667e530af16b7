package log

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Open opens the partition log in dir, creating the folder and an empty
// first segment if needed, and recovers it: after an unclean shutdown every
// segment not known durable is validated batch by batch (length, magic,
// CRC32C, offsets) and a torn or garbage tail of the active segment is
// truncated; missing or damaged indexes are rebuilt; the producer state is
// reloaded from the newest snapshot plus the batches after it. Damage inside
// a sealed segment is refused with a *CorruptFileError naming the file and
// position.
func Open(dir string, cfg Config, opts ...Option) (*Log, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	o := options{clock: time.Now, logger: slog.Default(), mapKeys: DefaultCompactionMapKeys}
	for _, opt := range opts {
		opt(&o)
	}
	l := &Log{dir: dir, clock: o.clock, logger: o.logger, cfg: cfg.withDefaults(), retentionLimit: noLimit, producers: producerStates{},
		mapKeys: max(o.mapKeys, 1)}
	l.interval.Store(int64(l.cfg.IndexIntervalBytes))
	l.lastFlush = l.clock()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("log: create partition folder: %w", err)
	}
	if err := l.load(); err != nil {
		for _, s := range l.segs {
			s.closeIndexFiles()
			s.file.release()
		}
		return nil, err
	}
	return l, nil
}

// load reads the partition folder and recovers it.
func (l *Log) load() error {
	clean := fileExists(filepath.Join(l.dir, cleanShutdownTag))
	if err := l.completeSwaps(); err != nil {
		return err
	}
	bases, err := l.listSegments()
	if err != nil {
		return err
	}
	if len(bases) == 0 {
		clean = true // a new partition: nothing to recover
	}
	logStart, _ := readOffsetFile(filepath.Join(l.dir, logStartFile))
	recovery, _ := readOffsetFile(filepath.Join(l.dir, recoveryFile))
	l.cleaner = l.loadCleanerState()
	if !clean {
		// A segment below the recovery point is durable and one below the
		// first dirty offset was compacted: an empty segment after either
		// is no torn roll (compaction leaves offset gaps at segment ends).
		if bases, err = l.dropEmptyTail(bases, max(recovery, l.cleaner.firstDirty)); err != nil {
			return err
		}
	}
	if len(bases) == 0 {
		seg, err := createSegment(l.dir, logStart)
		if err != nil {
			return err
		}
		l.segs = []*segment{seg}
	}
	for i, base := range bases {
		last := i == len(bases)-1
		next := int64(-1)
		if !last {
			next = bases[i+1]
		}
		seg, err := l.openSegment(base, next, clean, !clean && (last || next > recovery))
		if seg != nil {
			l.segs = append(l.segs, seg)
		}
		if err != nil {
			return err
		}
	}
	active := l.active()
	l.leo.Store(active.next)
	l.logStart = min(max(logStart, l.segs[0].base), active.next)
	if err := l.loadEpochs(); err != nil {
		return err
	}
	if err := l.rebuildProducers(); err != nil {
		return err
	}
	for _, s := range l.segs[:len(l.segs)-1] {
		s.sealed, s.flushed = true, true
	}
	if !clean {
		// Validated data may still sit only in the page cache (a process
		// crash): make it durable before trusting it as a recovery point.
		for _, s := range l.segs {
			if err := fsync(s.file.f); err != nil {
				return fmt.Errorf("log: fsync %s: %w", s.path(logSuffix), err)
			}
		}
		if err := writeOffsetFile(filepath.Join(l.dir, recoveryFile), active.base); err != nil {
			return err
		}
	}
	if err := removeFile(filepath.Join(l.dir, cleanShutdownTag)); err != nil {
		return err
	}
	return syncDir(l.dir)
}

// listSegments returns the base offsets of the segments, oldest first, and
// removes leftovers of interrupted operations (temp files, deleted segments,
// index files without data).
func (l *Log) listSegments() ([]int64, error) {
	ents, err := os.ReadDir(l.dir)
	if err != nil {
		return nil, fmt.Errorf("log: read partition folder: %w", err)
	}
	var bases []int64
	has := map[string]bool{}
	for _, e := range ents {
		name := e.Name()
		if strings.HasSuffix(name, tmpSuffix) || strings.HasSuffix(name, deletedSuffix) {
			if err := removeFile(filepath.Join(l.dir, name)); err != nil {
				return nil, err
			}
			continue
		}
		if base, ok := parseOffsetName(name, logSuffix); ok {
			bases = append(bases, base)
			has[offsetName(base)] = true
		}
	}
	for _, e := range ents {
		for _, suffix := range []string{indexSuffix, timeIndexSuffix} {
			if base, ok := parseOffsetName(e.Name(), suffix); ok && !has[offsetName(base)] {
				if err := removeFile(filepath.Join(l.dir, e.Name())); err != nil {
					return nil, err
				}
			}
		}
	}
	slices.Sort(bases)
	return bases, nil
}

// dropEmptyTail removes empty segments after the last one holding data. A
// crash right after a roll can leave the rolled segment's tail unwritten
// while the new, empty segment exists; without its empty successor the
// torn segment is the active one again and its tail is recovered like any
// other. No data is lost: the removed segments hold none. Segments whose
// predecessor starts below keep are kept: that predecessor is known
// complete, and dropping its successor would move the log end offset back.
func (l *Log) dropEmptyTail(bases []int64, keep int64) ([]int64, error) {
	for len(bases) > 1 && bases[len(bases)-2] >= keep {
		last := filepath.Join(l.dir, offsetName(bases[len(bases)-1])+logSuffix)
		st, err := os.Stat(last)
		if err != nil {
			return nil, fmt.Errorf("log: stat segment: %w", err)
		}
		if st.Size() > 0 {
			break
		}
		stem := strings.TrimSuffix(last, logSuffix)
		for _, p := range []string{last, stem + indexSuffix, stem + timeIndexSuffix} {
			if err := removeFile(p); err != nil {
				return nil, err
			}
		}
		bases = bases[:len(bases)-1]
	}
	return bases, nil
}

// openSegment opens one segment. next is the following segment's base (-1
// for the active one). With validate (unclean shutdown, not known durable)
// every batch is verified.
func (l *Log) openSegment(base, next int64, clean, validate bool) (*segment, error) {
	s := &segment{base: base, dir: l.dir, next: base, maxTs: -1, maxTsOffset: -1}
	f, err := os.OpenFile(s.path(logSuffix), os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("log: open segment: %w", err)
	}
	s.file = &segmentFile{f: f}
	s.file.refs.Store(1)
	st, err := f.Stat()
	if err != nil {
		return s, fmt.Errorf("log: stat %s: %w", s.path(logSuffix), err)
	}
	s.size = st.Size()
	interval := int64(l.cfg.IndexIntervalBytes)
	if next < 0 {
		return s, l.recoverActive(s, clean && !validate)
	}
	s.next = next
	if validate {
		t, err := s.scanSealed(interval)
		if err != nil {
			return s, err
		}
		if err := t.writeIndexFilesWhole(); err != nil {
			return s, err
		}
		if t.next > next {
			return s, &CorruptFileError{Path: s.path(logSuffix), Pos: t.size, Offset: t.next,
				Reason: fmt.Sprintf("its offsets run past %d, where the next segment starts", next)}
		}
		s.maxTs, s.maxTsOffset = t.maxTs, t.maxTsOffset
		s.idx, s.tidx, s.idxWritten, s.tidxWritten = t.idx, t.tidx, t.idxWritten, t.tidxWritten
		s.loaded.Store(true)
		return s, nil
	}
	if err := s.readLastTimeEntry(); err != nil {
		// No usable time index: load (or rebuild) both indexes now.
		if err := s.loadIndex(interval); err != nil {
			return s, err
		}
		if e, ok := s.tidx.last(); ok {
			s.maxTs, s.maxTsOffset = e.ts, s.base+int64(e.rel)
		}
	}
	return s, nil
}

// readLastTimeEntry sets maxTs of a sealed segment from its time index's
// last entry, without loading the indexes.
func (s *segment) readLastTimeEntry() error {
	if s.size == 0 {
		return nil
	}
	f, err := os.Open(s.path(timeIndexSuffix))
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	n := st.Size() / timeIndexEntrySize
	if n == 0 {
		return errors.New("empty time index")
	}
	var b [timeIndexEntrySize]byte
	if _, err := f.ReadAt(b[:], (n-1)*timeIndexEntrySize); err != nil {
		return err
	}
	rel := binary.BigEndian.Uint32(b[8:])
	if s.base+int64(rel) >= s.next {
		return errors.New("time index points past the segment")
	}
	s.maxTs, s.maxTsOffset = int64(binary.BigEndian.Uint64(b[:])), s.base+int64(rel)
	return nil
}

// recoverActive loads the active segment. After a clean shutdown its
// indexes are trusted and only the batches after the last index entry are
// checked; otherwise the whole segment is validated. Either way a bad tail
// is truncated: it is a write the crash interrupted.
func (l *Log) recoverActive(s *segment, trusted bool) error {
	interval := int64(l.cfg.IndexIntervalBytes)
	size := s.size // the file's size; resetMeta forgets it
	from := int64(0)
	if trusted && s.readIndexFiles(math.MaxUint32) == nil && len(s.idx) > 0 {
		last := s.idx[len(s.idx)-1]
		from = int64(last.pos)
		s.idx = s.idx[:len(s.idx)-1]
		s.idxWritten = len(s.idx)
		if l, ok := s.tidx.last(); ok {
			s.maxTs, s.maxTsOffset = l.ts, s.base+int64(l.rel)
		}
		s.sinceIndex = interval // re-adds the entry at from
		s.next = s.base + int64(last.rel)
	} else {
		s.resetMeta()
	}
	s.size = from
	res, err := scanBatches(s.file.f, from, size, s.base, s.next, true, func(pos int64, h *BatchHeader) {
		s.noteBatch(pos, h, interval)
		l.epochs.assign(h.PartitionLeaderEpoch, h.BaseOffset)
	})
	if err != nil {
		return err
	}
	s.size, s.next = res.end, res.next
	rewrite := !trusted || from == 0
	if res.badPos >= 0 {
		l.logger.Warn("log: truncating a torn tail of the active segment", "segment", s.path(logSuffix),
			"byte", res.badPos, "offset", res.next, "bytes", size-res.badPos, "reason", res.badWhy)
		if err := s.file.f.Truncate(res.end); err != nil {
			return fmt.Errorf("log: truncate %s: %w", s.path(logSuffix), err)
		}
		if trusted {
			// Index entries may name the cut batches: rebuild from the
			// (already checked) data before the cut.
			s.resetMeta()
			if _, err := scanBatches(s.file.f, 0, res.end, s.base, s.base, false, func(pos int64, h *BatchHeader) {
				s.noteBatch(pos, h, interval)
			}); err != nil {
				return err
			}
		}
		rewrite = true
	}
	if s.size > 0 {
		var buf [batchHeaderSize]byte
		if h, err := s.headerAt(0, buf[:]); err == nil {
			s.rollTs = h.MaxTimestamp
		}
	}
	if now := l.nowMs(); s.rollTs <= 0 || s.rollTs > now {
		s.rollTs = now
	}
	s.loaded.Store(true)
	if !rewrite {
		return nil
	}
	return s.writeIndexFilesWhole()
}

// loadEpochs reads the leader-epoch checkpoint and fits it to the log.
func (l *Log) loadEpochs() error {
	data, err := os.ReadFile(filepath.Join(l.dir, epochFile))
	if err == nil {
		var entries []EpochEntry
		if entries, err = decodeEpochCheckpoint(data); err == nil {
			// Entries recovery learnt from the active segment's batches are
			// merged in: the checkpoint may be older than the data.
			scanned := l.epochs.entries
			l.epochs.entries = entries
			for _, e := range scanned {
				l.epochs.assign(e.Epoch, e.StartOffset)
			}
		}
	}
	if err != nil && !os.IsNotExist(err) {
		l.logger.Warn("log: ignoring an unreadable leader-epoch-checkpoint", "dir", l.dir, "err", err)
	}
	l.epochs.truncateFromEnd(l.leo.Load())
	l.epochs.truncateFromStart(l.logStart)
	fresh := encodeEpochCheckpoint(l.epochs.entries)
	if bytes.Equal(fresh, data) || (data == nil && len(l.epochs.entries) == 0) {
		return nil
	}
	return writeFileAtomic(filepath.Join(l.dir, epochFile), fresh)
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// Close flushes the log and marks it cleanly shut down, so the next Open
// trusts its indexes and producer state. Reads in flight keep their files
// open until their results are closed.
func (l *Log) Close() error {
	l.closing.Store(true)
	err := l.closeLocked()
	l.waitForCompaction()
	return err
}

// waitForCompaction waits for a compaction round in progress, which stops
// at its next batch once closing is set, so nothing writes into the folder
// after Close returns.
func (l *Log) waitForCompaction() {
	l.cleanMu.Lock()
	defer l.cleanMu.Unlock()
	_ = l.cleanerErr // a round has ended (or none ran) once the lock is ours
}

func (l *Log) closeLocked() error {
	l.appendMu.Lock()
	defer l.appendMu.Unlock()
	if err := l.checkOpenLocked(); err != nil {
		return nil
	}
	l.flushWG.Wait()
	err := l.closeClean()
	l.mu.Lock()
	l.closed = true
	for _, s := range l.segs {
		if e := s.closeIndexFiles(); e != nil && err == nil {
			err = e
		}
		if e := s.file.release(); e != nil && err == nil {
			err = e
		}
	}
	l.mu.Unlock()
	l.notifyClosed()
	return err
}

// closeClean makes everything durable and writes the clean-shutdown marker.
func (l *Log) closeClean() error {
	l.mu.Lock()
	l.active().sealIndex() // the last time entry holds the largest timestamp
	l.mu.Unlock()
	if err := l.flushActive(); err != nil {
		return err
	}
	if err := l.writeSnapshot(); err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(l.dir, cleanShutdownTag), nil); err != nil {
		return err
	}
	return nil
}
