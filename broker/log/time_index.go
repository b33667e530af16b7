package log

import (
	"encoding/binary"
	"fmt"
	"sort"
)

// timeIndexEntrySize is the size of one .timeindex entry: a timestamp
// (int64 ms) and an offset relative to the segment base (uint32), big endian.
const timeIndexEntrySize = 12

// timeEntry says: every record up to and including the batch ending at
// offset base+rel has a timestamp <= ts, and ts is the largest seen so far.
// Entries are added with offset index entries when the largest timestamp
// grew, and once more when the segment is sealed, so the last entry of a
// sealed segment holds its largest timestamp (what time retention looks at).
type timeEntry struct {
	ts  int64
	rel uint32
}

// timeIndex is a segment's sparse time index, strictly increasing in ts and rel.
type timeIndex []timeEntry

// lookupBefore returns the last entry with ts < target: no record up to
// its offset can answer a search for target, so the search starts after it.
func (tx timeIndex) lookupBefore(target int64) (timeEntry, bool) {
	i := sort.Search(len(tx), func(i int) bool { return tx[i].ts >= target })
	if i == 0 {
		return timeEntry{}, false
	}
	return tx[i-1], true
}

// last is the newest entry.
func (tx timeIndex) last() (timeEntry, bool) {
	if len(tx) == 0 {
		return timeEntry{}, false
	}
	return tx[len(tx)-1], true
}

// maybeAppend adds (ts, rel) if it moves the index forward in both fields.
func (tx timeIndex) maybeAppend(ts int64, rel uint32) timeIndex {
	if l, ok := tx.last(); ok && (ts <= l.ts || rel <= l.rel) {
		return tx
	}
	return append(tx, timeEntry{ts: ts, rel: rel})
}

// truncateRel drops entries whose offset is at or after rel.
func (tx timeIndex) truncateRel(rel uint32) timeIndex {
	i := sort.Search(len(tx), func(i int) bool { return tx[i].rel >= rel })
	return tx[:i]
}

// appendTimeIndex encodes entries to dst.
func appendTimeIndex(dst []byte, tx timeIndex) []byte {
	for _, e := range tx {
		dst = binary.BigEndian.AppendUint64(dst, uint64(e.ts))
		dst = binary.BigEndian.AppendUint32(dst, e.rel)
	}
	return dst
}

// decodeTimeIndex decodes and validates a .timeindex file's bytes; maxRel
// is the largest relative offset the segment holds. A trailing partial
// entry is dropped.
func decodeTimeIndex(b []byte, maxRel uint32) (timeIndex, error) {
	n := len(b) / timeIndexEntrySize
	tx := make(timeIndex, 0, n)
	for i := range n {
		e := timeEntry{
			ts:  int64(binary.BigEndian.Uint64(b[i*timeIndexEntrySize:])),
			rel: binary.BigEndian.Uint32(b[i*timeIndexEntrySize+8:]),
		}
		if e.rel > maxRel {
			return nil, fmt.Errorf("entry %d points at offset +%d, past the segment's last offset +%d", i, e.rel, maxRel)
		}
		if i > 0 && (e.ts <= tx[i-1].ts || e.rel <= tx[i-1].rel) {
			return nil, fmt.Errorf("entry %d (ts %d, offset +%d) does not follow entry %d (ts %d, offset +%d)",
				i, e.ts, e.rel, i-1, tx[i-1].ts, tx[i-1].rel)
		}
		tx = append(tx, e)
	}
	return tx, nil
}
