package log

import (
	"errors"
	"fmt"
	"io"
	"math"
)

// scanChunk is how much of a segment a scan reads at once.
const scanChunk = 256 << 10

// scanResult is where a segment scan stopped.
type scanResult struct {
	end     int64  // byte position after the last good batch
	next    int64  // offset after the last good batch (expectNext if none)
	badPos  int64  // position of the first bad batch, -1 if none
	badWhy  string // why it is bad
	batches int    // good batches seen
}

// scanBatches walks the batches of a segment file between byte positions
// from and to, calling fn for each good one. A batch is good when its header
// is sane (magic 2, a plausible length), it lies wholly before to, its base
// offset is at least expectNext (offsets only grow) and its offsets fit the
// segment (base >= segBase, relative offsets within int32); with verify,
// also when its CRC32C matches. The scan stops at the first bad batch and
// reports it, so recovery can truncate a torn tail or refuse a damaged
// sealed segment. I/O errors are returned as err.
func scanBatches(f io.ReaderAt, from, to, segBase, expectNext int64, verify bool, fn func(pos int64, h *BatchHeader)) (scanResult, error) {
	res := scanResult{end: from, next: expectNext, badPos: -1}
	sc := scanner{f: f, to: to}
	for pos := from; pos < to; {
		if to-pos < batchHeaderSize {
			res.badPos, res.badWhy = pos, fmt.Sprintf("%d trailing bytes are less than a batch header", to-pos)
			return res, nil
		}
		hb, err := sc.bytes(pos, batchHeaderSize)
		if err != nil {
			return res, err
		}
		h, err := ParseBatchHeader(hb)
		if err == nil {
			err = checkScanned(&h, pos, to, segBase, res.next)
		}
		if err == nil && verify {
			var b []byte
			if b, err = sc.bytes(pos, int64(h.Size())); err != nil {
				return res, err
			}
			err = VerifyCRC(b)
		}
		if err != nil {
			res.badPos, res.badWhy = pos, reasonOf(err)
			return res, nil
		}
		fn(pos, &h)
		pos += int64(h.Size())
		res.end, res.next = pos, h.NextOffset()
		res.batches++
	}
	return res, nil
}

// checkScanned checks a stored batch's placement in its segment.
func checkScanned(h *BatchHeader, pos, to, segBase, expectNext int64) error {
	switch {
	case pos+int64(h.Size()) > to:
		return fmt.Errorf("the batch is %d bytes but only %d remain", h.Size(), to-pos)
	case h.BaseOffset < expectNext:
		return fmt.Errorf("base offset %d is below the expected %d", h.BaseOffset, expectNext)
	case h.BaseOffset < segBase || h.LastOffset()-segBase > math.MaxInt32:
		return fmt.Errorf("offsets %d-%d do not belong to the segment starting at %d", h.BaseOffset, h.LastOffset(), segBase)
	}
	return nil
}

// reasonOf is the human part of a batch error.
func reasonOf(err error) string {
	var be *BatchError
	if errors.As(err, &be) {
		return fmt.Sprintf("%v (%s)", be.Err, be.Reason)
	}
	return err.Error()
}

// scanner reads a file through one reusable buffer.
type scanner struct {
	f     io.ReaderAt
	to    int64
	buf   []byte
	start int64 // file position of buf[0]
}

// bytes returns n bytes at pos, reading a chunk when they are not buffered.
func (s *scanner) bytes(pos, n int64) ([]byte, error) {
	if pos >= s.start && pos+n <= s.start+int64(len(s.buf)) {
		return s.buf[pos-s.start : pos-s.start+n], nil
	}
	want := max(n, scanChunk)
	want = min(want, s.to-pos)
	if int64(cap(s.buf)) < want {
		s.buf = make([]byte, want)
	}
	s.buf = s.buf[:want]
	m, err := s.f.ReadAt(s.buf, pos)
	if m < int(n) {
		if err == nil || errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		s.buf = s.buf[:0]
		return nil, fmt.Errorf("log: read %d bytes at %d: %w", n, pos, err)
	}
	s.buf, s.start = s.buf[:m], pos
	return s.buf[:n], nil
}
