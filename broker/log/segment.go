package log

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// segmentFile is a segment's .log file shared by the log and its readers.
// It is closed when the last holder releases it, so a file range handed to
// a reader stays valid while retention deletes the segment (on Unix an
// unlinked file stays readable through open descriptors) or the log closes.
type segmentFile struct {
	f    *os.File
	refs atomic.Int32
}

func (sf *segmentFile) acquire() { sf.refs.Add(1) }

func (sf *segmentFile) release() error {
	if sf.refs.Add(-1) == 0 {
		return sf.f.Close()
	}
	return nil
}

// segment is one <base>.log file with its sparse indexes. Its fields are
// guarded by Log.mu (written under the write lock, read under the read
// lock), except the lazily loaded indexes of sealed segments (loadMu).
type segment struct {
	base int64
	dir  string
	file *segmentFile

	size        int64 // bytes of whole batches published to readers
	next        int64 // offset after the last batch; base when empty
	maxTs       int64 // largest batch MaxTimestamp, -1 when empty
	maxTsOffset int64 // last offset of the batch holding maxTs
	rollTs      int64 // ms: when the first batch was written, for segment.ms
	sinceIndex  int64 // bytes appended since the last index entry

	loadMu sync.Mutex
	loaded atomic.Bool // idx and tidx hold the whole index
	idx    offsetIndex
	tidx   timeIndex

	idxWritten, tidxWritten int      // entries already in the index files
	idxFile, tidxFile       *os.File // open while the segment is active
	sealed                  bool     // no more appends; indexes complete
	flushed                 bool     // sealed and fsynced
	deleted                 bool     // removed from the log; skip flushing
}

func (s *segment) path(suffix string) string {
	return filepath.Join(s.dir, offsetName(s.base)+suffix)
}

// rel is offset relative to the segment base, clamped into uint32.
func (s *segment) rel(offset int64) uint32 {
	d := offset - s.base
	if d < 0 {
		return 0
	}
	if d > math.MaxUint32 {
		return math.MaxUint32
	}
	return uint32(d)
}

// noteBatch updates the in-memory indexes and metadata for a batch written
// at pos: an offset index entry (and a time index entry when the largest
// timestamp grew) for the first batch and then every interval bytes.
func (s *segment) noteBatch(pos int64, h *BatchHeader, interval int64) {
	if h.MaxTimestamp > s.maxTs {
		s.maxTs, s.maxTsOffset = h.MaxTimestamp, h.LastOffset()
	}
	if len(s.idx) == 0 || s.sinceIndex >= interval {
		s.idx = append(s.idx, indexEntry{rel: s.rel(h.BaseOffset), pos: uint32(pos)})
		if s.maxTs >= 0 {
			s.tidx = s.tidx.maybeAppend(s.maxTs, s.rel(s.maxTsOffset))
		}
		s.sinceIndex = 0
	}
	s.sinceIndex += int64(h.Size())
	s.size = pos + int64(h.Size())
	s.next = h.NextOffset()
}

// resetMeta forgets everything known about the data, before a rebuild.
func (s *segment) resetMeta() {
	s.size, s.next, s.maxTs, s.maxTsOffset, s.sinceIndex = 0, s.base, -1, -1, 0
	s.idx, s.tidx = s.idx[:0], s.tidx[:0]
	s.idxWritten, s.tidxWritten = 0, 0
}

// sealIndex adds the final time index entry so the last one holds the
// segment's largest timestamp.
func (s *segment) sealIndex() {
	if s.maxTs >= 0 {
		s.tidx = s.tidx.maybeAppend(s.maxTs, s.rel(s.maxTsOffset))
	}
}

// headerAt reads the batch header at pos into buf (at least batchHeaderSize).
func (s *segment) headerAt(pos int64, buf []byte) (BatchHeader, error) {
	var h BatchHeader
	if _, err := s.file.f.ReadAt(buf[:batchHeaderSize], pos); err != nil {
		return h, fmt.Errorf("log: read batch header at byte %d of %s: %w", pos, s.path(logSuffix), err)
	}
	decodeHeader(&h, buf)
	if h.Magic != 2 || h.Length < minBatchLength || pos+int64(h.Size()) > s.size {
		return h, &CorruptFileError{Path: s.path(logSuffix), Pos: pos, Offset: -1, Reason: "a batch header the index points at is not valid"}
	}
	return h, nil
}

// locate returns the position of the batch holding offset, or of the first
// batch after it; found is false when no batch of the segment ends at or
// after offset.
func (s *segment) locate(offset int64, buf []byte) (int64, bool, error) {
	if offset >= s.next {
		return 0, false, nil
	}
	pos := int64(0)
	if e, ok := s.idx.lookup(s.rel(offset)); ok {
		pos = int64(e.pos)
	}
	for pos < s.size {
		h, err := s.headerAt(pos, buf)
		if err != nil {
			return 0, false, err
		}
		if h.LastOffset() >= offset {
			return pos, true, nil
		}
		pos += int64(h.Size())
	}
	return 0, false, nil
}

// boundaryBefore returns the position of the first batch whose base offset
// is at or after until (the segment's size if none): reads stop there.
func (s *segment) boundaryBefore(until int64, from int64, buf []byte) (int64, error) {
	if until >= s.next {
		return s.size, nil
	}
	pos := from
	if e, ok := s.idx.lookup(s.rel(until)); ok && int64(e.pos) > pos {
		pos = int64(e.pos)
	}
	for pos < s.size {
		h, err := s.headerAt(pos, buf)
		if err != nil {
			return 0, err
		}
		if h.BaseOffset >= until {
			return pos, nil
		}
		pos += int64(h.Size())
	}
	return s.size, nil
}

// cut returns the last batch boundary in (start, limit] for a read from
// start that may not pass limit, searching no further than end. With
// minOne, a first batch larger than the room is returned whole (KIP-74).
// It returns start when nothing fits.
func (s *segment) cut(start, limit, end int64, minOne bool, buf []byte) (int64, error) {
	pos := start
	if e, ok := s.idx.lookupPos(uint32(min(limit, math.MaxUint32))); ok && int64(e.pos) > pos {
		pos = int64(e.pos)
	}
	for pos < end {
		h, err := s.headerAt(pos, buf)
		if err != nil {
			return 0, err
		}
		if pos+int64(h.Size()) > limit {
			if pos == start && minOne {
				return pos + int64(h.Size()), nil
			}
			break
		}
		pos += int64(h.Size())
	}
	return pos, nil
}

// writeIndexTail appends the index entries not yet in the index files.
// Only the active segment keeps the files open.
func (s *segment) writeIndexTail() error {
	var err error
	if s.idxFile == nil {
		if s.idxFile, err = os.OpenFile(s.path(indexSuffix), os.O_CREATE|os.O_RDWR, 0o644); err != nil {
			return fmt.Errorf("log: open index: %w", err)
		}
	}
	if s.tidxFile == nil {
		if s.tidxFile, err = os.OpenFile(s.path(timeIndexSuffix), os.O_CREATE|os.O_RDWR, 0o644); err != nil {
			return fmt.Errorf("log: open time index: %w", err)
		}
	}
	if n := len(s.idx); n > s.idxWritten {
		b := appendOffsetIndex(nil, s.idx[s.idxWritten:])
		if _, err := s.idxFile.WriteAt(b, int64(s.idxWritten)*offsetIndexEntrySize); err != nil {
			return fmt.Errorf("log: write %s: %w", s.path(indexSuffix), err)
		}
		s.idxWritten = n
	}
	if n := len(s.tidx); n > s.tidxWritten {
		b := appendTimeIndex(nil, s.tidx[s.tidxWritten:])
		if _, err := s.tidxFile.WriteAt(b, int64(s.tidxWritten)*timeIndexEntrySize); err != nil {
			return fmt.Errorf("log: write %s: %w", s.path(timeIndexSuffix), err)
		}
		s.tidxWritten = n
	}
	return nil
}

// sync makes the segment durable: its data first, then the index entries
// not yet in the index files, written and fsynced.
func (s *segment) sync() error {
	if err := fsync(s.file.f); err != nil {
		return fmt.Errorf("log: fsync %s: %w", s.path(logSuffix), err)
	}
	if err := s.writeIndexTail(); err != nil {
		return err
	}
	return s.syncIndexFiles()
}

// syncIndexFiles fsyncs the open index files.
func (s *segment) syncIndexFiles() error {
	for _, f := range []*os.File{s.idxFile, s.tidxFile} {
		if f != nil {
			if err := fsync(f); err != nil {
				return fmt.Errorf("log: fsync index of %s: %w", s.path(logSuffix), err)
			}
		}
	}
	return nil
}

// closeIndexFiles closes the open index files.
func (s *segment) closeIndexFiles() error {
	var first error
	for _, f := range []**os.File{&s.idxFile, &s.tidxFile} {
		if *f != nil {
			if err := (*f).Close(); err != nil && first == nil {
				first = err
			}
			*f = nil
		}
	}
	return first
}

// loadIndex makes idx and tidx whole for a sealed segment opened lazily: it
// reads the index files, and rebuilds them from the data if they are
// missing or damaged (refusing a segment whose data is damaged).
func (s *segment) loadIndex(interval int64) error {
	if s.loaded.Load() {
		return nil
	}
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	if s.loaded.Load() {
		return nil
	}
	if err := s.readIndexFiles(s.rel(s.next - 1)); err != nil {
		if err := s.rebuildSealedIndex(interval); err != nil {
			return err
		}
	}
	s.loaded.Store(true)
	return nil
}

// readIndexFiles loads and validates both index files; maxRel is the
// largest relative offset the time index may name.
func (s *segment) readIndexFiles(maxRel uint32) error {
	ib, err := os.ReadFile(s.path(indexSuffix))
	if err != nil {
		return err
	}
	ix, err := decodeOffsetIndex(ib, s.size)
	if err != nil {
		return err
	}
	if s.size > 0 && len(ix) == 0 {
		return fmt.Errorf("empty index for %d bytes of data", s.size)
	}
	tb, err := os.ReadFile(s.path(timeIndexSuffix))
	if err != nil {
		return err
	}
	tx, err := decodeTimeIndex(tb, maxRel)
	if err != nil {
		return err
	}
	if s.size > 0 && len(tx) == 0 {
		return fmt.Errorf("empty time index for %d bytes of data", s.size)
	}
	s.idx, s.tidx = ix, tx
	s.idxWritten, s.tidxWritten = len(ix), len(tx)
	return nil
}

// scanSealed verifies every batch of a sealed segment and returns a copy of
// it with the metadata and indexes rebuilt from the data; s is not changed,
// so readers may keep using it meanwhile. A bad batch anywhere is refused:
// the segment was complete when it was sealed, so damage is not a torn
// write.
func (s *segment) scanSealed(interval int64) (*segment, error) {
	t := &segment{base: s.base, dir: s.dir, file: s.file, next: s.base, maxTs: -1, maxTsOffset: -1}
	res, err := scanBatches(s.file.f, 0, s.size, s.base, s.base, true, func(pos int64, h *BatchHeader) {
		t.noteBatch(pos, h, interval)
	})
	if err != nil {
		return nil, err
	}
	if res.badPos >= 0 {
		return nil, &CorruptFileError{Path: s.path(logSuffix), Pos: res.badPos, Offset: res.next, Reason: res.badWhy}
	}
	t.sealIndex()
	return t, nil
}

// rebuildSealedIndex replaces the indexes of a sealed segment with ones
// rebuilt from its data, in memory and on disk.
func (s *segment) rebuildSealedIndex(interval int64) error {
	t, err := s.scanSealed(interval)
	if err != nil {
		return err
	}
	if err := t.writeIndexFilesWhole(); err != nil {
		return err
	}
	s.idx, s.tidx = t.idx, t.tidx
	s.idxWritten, s.tidxWritten = t.idxWritten, t.tidxWritten
	return nil
}

// writeIndexFilesWhole rewrites both index files from memory atomically.
func (s *segment) writeIndexFilesWhole() error {
	if err := writeFileAtomic(s.path(indexSuffix), appendOffsetIndex(nil, s.idx)); err != nil {
		return err
	}
	if err := writeFileAtomic(s.path(timeIndexSuffix), appendTimeIndex(nil, s.tidx)); err != nil {
		return err
	}
	s.idxWritten, s.tidxWritten = len(s.idx), len(s.tidx)
	return nil
}
