package batch

import (
	"container/heap"
	"math/bits"
)

// splitRanges cuts ranges so that there are at least minParts of them
// (Spark's minPartitions), when the offsets allow it: a piece holds at
// least one offset. Empty ranges are dropped. With as many non-empty
// ranges as minParts, or more, each range stays whole (one task per
// partition keeps a partition's consumer warm on one executor).
//
// The pieces are apportioned by Adams' method: every range starts as one
// piece, then each further piece goes to the range whose pieces are
// currently largest (size/pieces; ties to the earlier range), which makes
// the largest task as small as it can be. A range of size s cut into k
// pieces gives s mod k pieces of s/k+1 offsets, then pieces of s/k, in
// offset order. Ranges must be in (topic, partition, from) order; so are
// the pieces.
func splitRanges(ranges []Range, minParts int) []Range {
	var nonEmpty []Range
	for _, r := range ranges {
		if r.Len() > 0 {
			nonEmpty = append(nonEmpty, r)
		}
	}
	if len(nonEmpty) >= minParts {
		return nonEmpty
	}
	counts := pieceCounts(nonEmpty, minParts)
	var out []Range
	for i, r := range nonEmpty {
		out = append(out, cut(r, counts[i])...)
	}
	return out
}

// pieceCounts apportions minParts pieces among non-empty ranges by Adams'
// method, no range getting more pieces than it has offsets.
func pieceCounts(ranges []Range, minParts int) []int64 {
	h := &pieceHeap{ranges: ranges, counts: make([]int64, len(ranges))}
	for i := range ranges {
		h.counts[i] = 1
		if ranges[i].Len() > 1 {
			h.idx = append(h.idx, i)
		}
	}
	heap.Init(h)
	for total := len(ranges); total < minParts && h.Len() > 0; total++ {
		i := h.idx[0]
		h.counts[i]++
		if ranges[i].Len() > h.counts[i] {
			heap.Fix(h, 0)
		} else {
			heap.Pop(h)
		}
	}
	return h.counts
}

// cut splits r into k pieces whose sizes differ by at most one, larger
// pieces first.
func cut(r Range, k int64) []Range {
	size, extra := r.Len()/k, r.Len()%k
	pieces := make([]Range, 0, k)
	from := r.From
	for i := int64(0); i < k; i++ {
		n := size
		if i < extra {
			n++
		}
		pieces = append(pieces, Range{Topic: r.Topic, Partition: r.Partition, From: from, Until: from + n})
		from += n
	}
	return pieces
}

// pieceHeap orders range indexes by current piece size, largest first.
type pieceHeap struct {
	ranges []Range
	counts []int64
	idx    []int
}

func (h *pieceHeap) Len() int      { return len(h.idx) }
func (h *pieceHeap) Swap(a, b int) { h.idx[a], h.idx[b] = h.idx[b], h.idx[a] }
func (h *pieceHeap) Push(x any)    { h.idx = append(h.idx, x.(int)) }
func (h *pieceHeap) Pop() any {
	x := h.idx[len(h.idx)-1]
	h.idx = h.idx[:len(h.idx)-1]
	return x
}

// Less compares size_i/count_i with size_j/count_j exactly, in 128 bits.
func (h *pieceHeap) Less(a, b int) bool {
	i, j := h.idx[a], h.idx[b]
	hi1, lo1 := bits.Mul64(uint64(h.ranges[i].Len()), uint64(h.counts[j]))
	hi2, lo2 := bits.Mul64(uint64(h.ranges[j].Len()), uint64(h.counts[i]))
	if hi1 != hi2 || lo1 != lo2 {
		return hi1 > hi2 || (hi1 == hi2 && lo1 > lo2)
	}
	return i < j
}
