package kafka

import "github.com/twmb/franz-go/pkg/kgo"

// Fetch sizing. A range asks for about the bytes it still needs, so the
// broker does not send much past Until, within these bounds.
const (
	minFetchBytes     = 64 << 10
	firstFetchBytes   = 1 << 20
	maxFetchBytes     = 8 << 20
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
// each above the last kept. The fetch decoder already drops offsets below
// the fetch offset; this guards the range against a broker that answers
// out of order or past the end.
type rangeFilter struct {
	until int64
	last  int64 // offset of the last record kept, from-1 at the start
}

func newRangeFilter(from, until int64) rangeFilter {
	return rangeFilter{until: until, last: from - 1}
}

// keep filters recs in place and returns the records to emit.
func (f *rangeFilter) keep(recs []*kgo.Record) []*kgo.Record {
	out := recs[:0]
	for _, r := range recs {
		if r.Offset <= f.last || r.Offset >= f.until {
			continue
		}
		f.last = r.Offset
		out = append(out, r)
	}
	return out
}
