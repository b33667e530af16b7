package log

import (
	"encoding/binary"
	"fmt"
	"sort"
)

// offsetIndexEntrySize is the size of one .index entry: the batch's base
// offset relative to the segment's base offset (uint32) and the batch's
// byte position in the segment (uint32), both big endian.
const offsetIndexEntrySize = 8

// indexEntry points at the start of a batch: rel is the batch's base offset
// minus the segment's base offset, pos its byte position. Entries are sparse
// (one per IndexIntervalBytes) and strictly increasing in both fields.
type indexEntry struct {
	rel uint32
	pos uint32
}

// offsetIndex is a segment's sparse offset index, kept in memory.
type offsetIndex []indexEntry

// lookup returns the last entry whose batch starts at or before rel: the
// batch holding rel starts at its position or later. ok is false when rel is
// before the first entry (scan from position 0).
func (ix offsetIndex) lookup(rel uint32) (indexEntry, bool) {
	i := sort.Search(len(ix), func(i int) bool { return ix[i].rel > rel })
	if i == 0 {
		return indexEntry{}, false
	}
	return ix[i-1], true
}

// lookupPos returns the last entry whose position is at or before pos.
func (ix offsetIndex) lookupPos(pos uint32) (indexEntry, bool) {
	i := sort.Search(len(ix), func(i int) bool { return ix[i].pos > pos })
	if i == 0 {
		return indexEntry{}, false
	}
	return ix[i-1], true
}

// appendOffsetIndex encodes entries to dst.
func appendOffsetIndex(dst []byte, ix offsetIndex) []byte {
	for _, e := range ix {
		dst = binary.BigEndian.AppendUint32(dst, e.rel)
		dst = binary.BigEndian.AppendUint32(dst, e.pos)
	}
	return dst
}

// decodeOffsetIndex decodes and validates an .index file's bytes against the
// segment's size. A trailing partial entry (a torn write) is dropped; an
// entry that goes backwards or points past the data is an error, and the
// caller rebuilds the index from the segment.
func decodeOffsetIndex(b []byte, segSize int64) (offsetIndex, error) {
	n := len(b) / offsetIndexEntrySize
	ix := make(offsetIndex, 0, n)
	for i := range n {
		e := indexEntry{
			rel: binary.BigEndian.Uint32(b[i*offsetIndexEntrySize:]),
			pos: binary.BigEndian.Uint32(b[i*offsetIndexEntrySize+4:]),
		}
		if int64(e.pos)+batchHeaderSize > segSize {
			return nil, fmt.Errorf("entry %d points at byte %d, past the %d bytes of data", i, e.pos, segSize)
		}
		if i > 0 && (e.rel <= ix[i-1].rel || e.pos <= ix[i-1].pos) {
			return nil, fmt.Errorf("entry %d (offset +%d at byte %d) does not follow entry %d (offset +%d at byte %d)",
				i, e.rel, e.pos, i-1, ix[i-1].rel, ix[i-1].pos)
		}
		ix = append(ix, e)
	}
	if len(ix) > 0 && ix[0].pos != 0 {
		return nil, fmt.Errorf("the first entry points at byte %d, not at the first batch", ix[0].pos)
	}
	return ix, nil
}
