package log

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// FileRange is a byte range of a segment file holding whole record batches.
// File is shared by every reader of the segment: read it only with ReadAt
// (or through ReadResult.WriteTo), never Seek or Read it.
type FileRange struct {
	File *os.File
	Pos  int64
	Len  int64
}

// ReadResult is the answer to a read: the stored batches as file ranges,
// one per segment touched, ready for sendfile. It holds a reference on each
// file, so the ranges stay readable while retention deletes the segments or
// the log closes; Close releases them and must be called exactly once.
type ReadResult struct {
	Ranges []FileRange
	// Size is the total length of the ranges in bytes.
	Size int64
	// LogStartOffset and LogEndOffset as they were when the read was made.
	LogStartOffset, LogEndOffset int64

	refs   []*segmentFile
	closed bool
}

// Close releases the files. The ranges must not be used afterwards.
func (r *ReadResult) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	var first error
	for _, sf := range r.refs {
		if err := sf.release(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// AppendTo appends the bytes of the ranges to dst.
func (r *ReadResult) AppendTo(dst []byte) ([]byte, error) {
	for _, fr := range r.Ranges {
		n := len(dst)
		dst = append(dst, make([]byte, fr.Len)...)
		if _, err := fr.File.ReadAt(dst[n:], fr.Pos); err != nil {
			return dst[:n], readErr(fr, err)
		}
	}
	return dst, nil
}

// Bytes returns the bytes of the ranges in a new slice.
func (r *ReadResult) Bytes() ([]byte, error) {
	return r.AppendTo(make([]byte, 0, r.Size))
}

// WriteTo writes the ranges to w, with sendfile(2) when w is a TCP
// connection (or any syscall.Conn) on Linux, else by copying. A buffered
// writer in front of the connection must be flushed first.
func (r *ReadResult) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for _, fr := range r.Ranges {
		n, handled, err := sendFileRange(w, fr)
		if !handled {
			n, err = io.Copy(w, io.NewSectionReader(fr.File, fr.Pos, fr.Len))
			if err == nil && n < fr.Len {
				err = io.ErrUnexpectedEOF
			}
		}
		total += n
		if err != nil {
			return total, readErr(fr, err)
		}
	}
	return total, nil
}

func readErr(fr FileRange, err error) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("log: read %d bytes at %d of %s (was the log truncated under the read?): %w", fr.Len, fr.Pos, fr.File.Name(), err)
}

// Read returns the stored batches from the one holding offset up to the log
// end offset, at most maxBytes of them, but always at least the first whole
// batch even when it is larger (KIP-74). Reading at the log end offset
// returns no ranges; an offset below the log start or above the log end
// returns an *OffsetOutOfRangeError (errors.Is ErrOffsetOutOfRange).
// Ranges end on batch boundaries. Close the result.
func (l *Log) Read(offset int64, maxBytes int) (*ReadResult, error) {
	return l.ReadUntil(offset, maxBytes, noLimit)
}

// ReadUntil is Read that also stops before the first batch starting at or
// after until: consumers read up to the high watermark, followers up to the
// log end offset.
func (l *Log) ReadUntil(offset int64, maxBytes int, until int64) (*ReadResult, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if err := l.checkOpen(); err != nil {
		return nil, err
	}
	leo := l.leo.Load()
	if offset < l.logStart || offset > leo {
		return nil, &OffsetOutOfRangeError{Offset: offset, LogStart: l.logStart, LogEnd: leo}
	}
	r := &ReadResult{LogStartOffset: l.logStart, LogEndOffset: leo}
	until = min(until, leo)
	if offset >= until {
		return r, nil
	}
	var buf [batchHeaderSize]byte
	if err := l.collect(r, offset, int64(max(maxBytes, 0)), until, buf[:]); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// collect fills r with ranges from the batch holding offset. The caller
// holds mu.
func (l *Log) collect(r *ReadResult, offset, room, until int64, buf []byte) error {
	for i := l.segmentFor(offset); i < len(l.segs) && (r.Size == 0 || room > 0); i++ {
		seg := l.segs[i]
		if err := seg.loadIndex(l.interval.Load()); err != nil {
			return err
		}
		start := int64(0)
		if r.Size == 0 {
			pos, found, err := seg.locate(offset, buf)
			if err != nil {
				return err
			}
			if !found {
				continue
			}
			start = pos
		}
		end, err := seg.boundaryBefore(until, start, buf)
		if err != nil {
			return err
		}
		full := end
		if end-start > room {
			if end, err = seg.cut(start, start+room, end, r.Size == 0, buf); err != nil {
				return err
			}
		}
		if end > start {
			seg.file.acquire()
			r.refs = append(r.refs, seg.file)
			r.Ranges = append(r.Ranges, FileRange{File: seg.file.f, Pos: start, Len: end - start})
			r.Size += end - start
			room -= end - start
		}
		if end < full || until <= seg.next {
			break
		}
	}
	return nil
}
