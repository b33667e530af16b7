package batch

import (
	"fmt"
	"strings"
	"testing"
)

func TestSplitRanges(t *testing.T) {
	a := func(p int32, from, until int64) Range {
		return Range{Topic: "a", Partition: p, From: from, Until: until}
	}
	tests := []struct {
		name     string
		ranges   []Range
		minParts int
		want     string
	}{
		{"no minimum: one per range", []Range{a(0, 0, 100), a(1, 5, 9)}, 0, "a-0[0,100) a-1[5,9)"},
		{"empty ranges are dropped", []Range{a(0, 3, 3), a(1, 5, 9)}, 0, "a-1[5,9)"},
		{"enough ranges already", []Range{a(0, 0, 100), a(1, 0, 1)}, 2, "a-0[0,100) a-1[0,1)"},
		{"even split", []Range{a(0, 0, 100)}, 4, "a-0[0,25) a-0[25,50) a-0[50,75) a-0[75,100)"},
		{"larger pieces first", []Range{a(0, 0, 10)}, 3, "a-0[0,4) a-0[4,7) a-0[7,10)"},
		// Adams: 90 and 10 start at one piece each; the 90 gets the next
		// three (90/1, 90/2=45, 90/3=30 all above 10).
		{"proportional to size", []Range{a(0, 0, 90), a(1, 0, 10)}, 5, "a-0[0,23) a-0[23,46) a-0[46,68) a-0[68,90) a-1[0,10)"},
		// 60/2=30 ties with 30/1: the earlier range wins the tie.
		{"ties to the earlier range", []Range{a(0, 0, 60), a(1, 0, 30)}, 4, "a-0[0,20) a-0[20,40) a-0[40,60) a-1[0,30)"},
		{"a piece holds at least one offset", []Range{a(0, 0, 2), a(1, 7, 8)}, 10, "a-0[0,1) a-0[1,2) a-1[7,8)"},
		{"nothing to read", []Range{a(0, 4, 4)}, 8, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := splitRanges(tt.ranges, tt.minParts)
			if s := rangesString(got); s != tt.want {
				t.Fatalf("splitRanges(%v, %d) = %s, want %s", tt.ranges, tt.minParts, s, tt.want)
			}
		})
	}
}

// TestSplitRangesCoversExactly checks on many sizes that the pieces tile
// each range exactly and number min(minParts, offsets) at least.
func TestSplitRangesCoversExactly(t *testing.T) {
	for minParts := 0; minParts <= 30; minParts++ {
		for _, sizes := range [][]int64{{1}, {100}, {7, 3}, {1, 1, 1}, {1000, 1, 50, 0, 9}} {
			var in []Range
			var total int64
			for p, n := range sizes {
				in = append(in, Range{Topic: "t", Partition: int32(p), From: 10, Until: 10 + n})
				total += n
			}
			got := splitRanges(in, minParts)
			if want := min(int64(minParts), total); int64(len(got)) < want {
				t.Fatalf("sizes %v minParts %d: %d pieces, want at least %d", sizes, minParts, len(got), want)
			}
			next := map[int32]int64{}
			for _, r := range got {
				if r.Len() <= 0 {
					t.Fatalf("sizes %v minParts %d: empty piece %s", sizes, minParts, r)
				}
				if at, ok := next[r.Partition]; ok && at != r.From || !ok && r.From != 10 {
					t.Fatalf("sizes %v minParts %d: piece %s does not follow the previous one", sizes, minParts, r)
				}
				next[r.Partition] = r.Until
			}
			for p, n := range sizes {
				if n > 0 && next[int32(p)] != 10+n {
					t.Fatalf("sizes %v minParts %d: partition %d covered to %d, want %d", sizes, minParts, p, next[int32(p)], 10+n)
				}
			}
		}
	}
}

func rangesString(rs []Range) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = fmt.Sprint(r)
	}
	return strings.Join(s, " ")
}
