package kafka

// Fetch sizing. A range asks for about the bytes it still needs, so the
// broker does not send much past Until, within these bounds.
const (
	minFetchBytes     = 64 << 10
	firstFetchBytes   = 1 << 20
	maxFetchBytes     = 1 << 20
	largestFetchBytes = 256 << 20 // a single batch larger than this is refused
)

// fetchBytes is the partition byte limit of the next fetch: the offsets
// still to read times the bytes per offset seen so far, with a quarter more
// for batch overhead, within [minFetchBytes, maxFetchBytes]. Before
// anything was read (bytesPerOffset 0) it is firstFetchBytes. Kafka sends at
// least one whole batch whatever the limit, so a small limit never stalls.
func fetchBytes(remaining int64, bytesPerOffset float64) int32 {
	if bytesPerOffset <= 0 {
		return firstFetchBytes
	}
	want := float64(remaining)*bytesPerOffset*1.25 + 1024
	switch {
	case want < minFetchBytes:
		return minFetchBytes
	case want > maxFetchBytes:
		return maxFetchBytes
	}
	return int32(want)
}

// outOfRange decides where reading continues after the broker answered
// OFFSET_OUT_OF_RANGE for pos, given the partition's log start and end now.
// It returns the next offset and the lost offsets [lostFrom, lostUntil)
// (empty when nothing is lost: the answer came from a replica that was
// behind, and asking again will do).
//
//   - pos below the log start: [pos, start) was deleted (retention,
//     DeleteRecords); continue at the start, or finish when it is past until.
//   - pos past the log end: the log was truncated below what the range was
//     planned on (an unclean leader election, a recreated topic); the rest
//     of the range is gone.
func outOfRange(pos, until, logStart, logEnd int64) (next, lostFrom, lostUntil int64) {
	switch {
	case pos < logStart:
		next = min(logStart, until)
		return next, pos, next
	case pos > logEnd:
		return until, pos, until
	}
	return pos, pos, pos
}

// rangeFilter keeps the records of one range: offsets in [from, until),
// each above the last kept. The decoder already drops offsets below the
// fetch offset; this guards the range against a broker that answers out of
// order or past the end.
type rangeFilter struct {
	until int64
	last  int64 // offset of the last record kept, from-1 at the start
}

func newRangeFilter(from, until int64) rangeFilter {
	return rangeFilter{until: until, last: from - 1}
}

// keep returns the records of recs to emit. Records come in offset order,
// so that is a sub-slice of recs; a record out of order (a broken broker)
// makes it copy the ones that qualify.
func (f *rangeFilter) keep(recs []decodedRecord) []decodedRecord {
	lo := 0
	for lo < len(recs) && recs[lo].offset <= f.last {
		lo++
	}
	hi := lo
	for hi < len(recs) && recs[hi].offset > f.last && recs[hi].offset < f.until {
		f.last = recs[hi].offset
		hi++
	}
	if hi == len(recs) || recs[hi].offset >= f.until && sortedFrom(recs, hi) {
		return recs[lo:hi]
	}
	out := append([]decodedRecord(nil), recs[lo:hi]...)
	for _, r := range recs[hi:] {
		if r.offset > f.last && r.offset < f.until {
			f.last = r.offset
			out = append(out, r)
		}
	}
	return out
}

// sortedFrom says whether the offsets of recs[i:] only go up, so nothing
// after a record at or past the end can be inside the range.
func sortedFrom(recs []decodedRecord, i int) bool {
	for j := i + 1; j < len(recs); j++ {
		if recs[j].offset <= recs[j-1].offset {
			return false
		}
	}
	return true
}
