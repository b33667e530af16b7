package batch

import (
	"math/big"
	"sort"
)

// rateLimit splits limit offsets among partitions in proportion to their
// backlogs (Spark's maxOffsetsPerTrigger) and returns how many offsets each
// partition reads. It is exact where Spark rounds with floating point:
//
//  1. When the backlogs sum to at most limit, every partition reads its
//     whole backlog.
//  2. Otherwise partition i first gets its floor share
//     a_i = floor(limit*b_i/B) of the total backlog B; the shares sum to
//     limit minus a remainder R with 0 <= R < n.
//  3. No partition with backlog starves: walking the partitions cyclically
//     from index rotate mod n, each one with backlog but a zero share gets
//     one offset while R lasts. Callers pass the batch id as rotate, so
//     with a steady set of partitions each partition with backlog reads at
//     least one offset every n batches, however small its share.
//  4. What is left of R goes one offset each to the partitions not served
//     in step 3 with the largest remainders limit*b_i mod B, ties to the
//     lower index (largest-remainder apportionment).
//
// The result never exceeds a backlog (a_i < b_i whenever B > limit), and
// sums to exactly min(limit, B).
func rateLimit(limit int64, backlogs []int64, rotate int64) []int64 {
	total := sumBig(backlogs)
	if total.Cmp(big.NewInt(limit)) <= 0 {
		return append([]int64(nil), backlogs...)
	}
	shares, rems := floorShares(limit, backlogs, total)
	left := limit
	for _, a := range shares {
		left -= a
	}
	served := make([]bool, len(backlogs))
	left = feedStarving(shares, backlogs, served, rotate, left)
	for _, i := range byRemainder(rems, served) {
		if left == 0 {
			break
		}
		shares[i]++
		left--
	}
	return shares
}

// floorShares returns floor(limit*b_i/total) and its remainder for each i.
func floorShares(limit int64, backlogs []int64, total *big.Int) ([]int64, []*big.Int) {
	shares := make([]int64, len(backlogs))
	rems := make([]*big.Int, len(backlogs))
	l := big.NewInt(limit)
	for i, b := range backlogs {
		q, r := new(big.Int), new(big.Int)
		q.QuoRem(new(big.Int).Mul(l, big.NewInt(b)), total, r)
		shares[i], rems[i] = q.Int64(), r
	}
	return shares, rems
}

// feedStarving gives one offset to each partition with backlog and a zero
// share, cyclically from rotate, while left lasts; it returns what is left.
func feedStarving(shares, backlogs []int64, served []bool, rotate, left int64) int64 {
	n := int64(len(shares))
	for k := int64(0); k < n && left > 0; k++ {
		i := (rotate%n + k) % n
		if backlogs[i] > 0 && shares[i] == 0 {
			shares[i], served[i] = 1, true
			left--
		}
	}
	return left
}

// byRemainder lists the unserved indexes by remainder, largest first, ties
// to the lower index.
func byRemainder(rems []*big.Int, served []bool) []int {
	var idx []int
	for i := range rems {
		if !served[i] {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return rems[idx[a]].Cmp(rems[idx[b]]) > 0 })
	return idx
}

func sumBig(xs []int64) *big.Int {
	s := new(big.Int)
	for _, x := range xs {
		s.Add(s, big.NewInt(x))
	}
	return s
}
