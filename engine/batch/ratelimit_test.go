package batch

import (
	"math"
	"slices"
	"testing"
)

func TestRateLimit(t *testing.T) {
	tests := []struct {
		name     string
		limit    int64
		backlogs []int64
		rotate   int64
		want     []int64
	}{
		{"under the limit reads everything", 100, []int64{10, 20, 0}, 0, []int64{10, 20, 0}},
		{"exactly the limit", 30, []int64{10, 20}, 0, []int64{10, 20}},
		{"exact proportions", 10, []int64{60, 40}, 0, []int64{6, 4}},
		// 10*50/90=5.55, 10*40/90=4.44: floors 5+4, one left for the
		// larger remainder (5/9 > 4/9).
		{"largest remainder", 10, []int64{50, 40}, 0, []int64{6, 4}},
		// 10*1/3 each: floors 3,3,3, the one left goes to the lowest index
		// (equal remainders).
		{"ties to the lower index", 10, []int64{7, 7, 7}, 0, []int64{4, 3, 3}},
		// Zero backlog gets nothing, even with remainders around.
		{"no backlog, no share", 5, []int64{0, 9, 9}, 0, []int64{0, 3, 2}},
		// 3*1/1002 ~ 0.003 for the small ones: they starve at floor; R=1
		// feeds one starving partition from rotate.
		{"starving partition fed from rotate 0", 3, []int64{1, 1, 1000}, 0, []int64{1, 0, 2}},
		{"starving partition fed from rotate 1", 3, []int64{1, 1, 1000}, 1, []int64{0, 1, 2}},
		{"rotate 2 walks on to the next starving", 3, []int64{1, 1, 1000}, 2, []int64{1, 0, 2}},
		{"rotate wraps", 3, []int64{1, 1, 1000}, 4, []int64{0, 1, 2}},
		// Limit below the partition count: every batch feeds one, in turn.
		{"limit 1 over three partitions, batch 0", 1, []int64{5, 5, 5}, 0, []int64{1, 0, 0}},
		{"limit 1 over three partitions, batch 1", 1, []int64{5, 5, 5}, 1, []int64{0, 1, 0}},
		{"limit 1 over three partitions, batch 2", 1, []int64{5, 5, 5}, 2, []int64{0, 0, 1}},
		// Starving partitions are fed before remainders: 4*1/12=0.33 (x2),
		// 4*10/12=3.33: floors 0,0,3, R=1 feeds index 0.
		{"feeding comes before remainders", 4, []int64{1, 1, 10}, 0, []int64{1, 0, 3}},
		{"everything in one partition", 7, []int64{0, 100, 0}, 1, []int64{0, 7, 0}},
		// Huge offsets: limit*b overflows int64; the result is still exact.
		{"no overflow", math.MaxInt64 - 1, []int64{math.MaxInt64, math.MaxInt64}, 0, []int64{math.MaxInt64 / 2, math.MaxInt64 / 2}},
		{"empty", 10, nil, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := rateLimit(tt.limit, tt.backlogs, tt.rotate)
			if !slices.Equal(got, tt.want) {
				t.Fatalf("rateLimit(%d, %v, %d) = %v, want %v", tt.limit, tt.backlogs, tt.rotate, got, tt.want)
			}
		})
	}
}

// TestRateLimitInvariants checks the promises on many inputs: the total is
// min(limit, backlog), no partition exceeds its backlog, and with a steady
// set of partitions each partition with backlog progresses within n
// batches.
func TestRateLimitInvariants(t *testing.T) {
	backlogSets := [][]int64{
		{1, 1, 1, 1, 1000000},
		{3, 0, 5, 0, 7, 11},
		{1000, 1, 1, 1, 1, 1, 1, 1},
		{2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2},
	}
	for _, backlogs := range backlogSets {
		for limit := int64(1); limit <= 40; limit++ {
			progressed := make([]bool, len(backlogs))
			for batch := int64(0); batch < int64(len(backlogs)); batch++ {
				got := rateLimit(limit, backlogs, batch)
				var sum, total int64
				for i, n := range got {
					if n < 0 || n > backlogs[i] {
						t.Fatalf("rateLimit(%d, %v, %d)[%d] = %d, outside [0,%d]", limit, backlogs, batch, i, n, backlogs[i])
					}
					sum += n
					total += backlogs[i]
					progressed[i] = progressed[i] || n > 0
				}
				if sum != min(limit, total) {
					t.Fatalf("rateLimit(%d, %v, %d) sums to %d, want %d", limit, backlogs, batch, sum, min(limit, total))
				}
			}
			for i, ok := range progressed {
				if backlogs[i] > 0 && !ok {
					t.Fatalf("limit %d, backlogs %v: partition %d never progressed in %d batches", limit, backlogs, i, len(backlogs))
				}
			}
		}
	}
}
