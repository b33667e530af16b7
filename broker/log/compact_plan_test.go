package log

import (
	"math"
	"slices"
	"testing"
)

func TestPlanCleaning(t *testing.T) {
	seg := func(base, next, size, maxTs int64) cleanSegStat {
		return cleanSegStat{base: base, next: next, size: size, maxTs: maxTs, firstTs: maxTs, ready: true}
	}
	// Four sealed segments of 100 bytes and the active one.
	four := []cleanSegStat{seg(0, 10, 100, 1000), seg(10, 20, 100, 2000), seg(20, 30, 100, 3000), seg(30, 40, 100, 4000), seg(40, 40, 0, -1)}
	notReady := slices.Clone(four)
	notReady[2].ready = false
	ratio := cleanPolicy{minDirtyRatio: 0.5}
	cases := []struct {
		name                string
		segs                []cleanSegStat
		firstDirty, horizon int64
		logStart, limit     int64
		now                 int64
		pol                 cleanPolicy
		forced              bool
		wantFrom, wantTo    int
		wantClean, wantDirt int64
		wantReason          string
	}{
		{"nothing compacted yet", four, 0, -1, 0, math.MaxInt64, 5000, ratio, false, 0, 4, 0, 400, "min.cleanable.dirty.ratio"},
		{"half dirty is not more than half", four, 20, -1, 0, math.MaxInt64, 5000, ratio, false, 2, 4, 200, 200, ""},
		{"forced runs anyway", four, 20, -1, 0, math.MaxInt64, 5000, ratio, true, 2, 4, 200, 200, "forced"},
		{"a quarter dirty under ratio 0", four, 30, -1, 0, math.MaxInt64, 5000, cleanPolicy{}, false, 3, 4, 300, 100, "min.cleanable.dirty.ratio"},
		{"nothing dirty", four, 40, -1, 0, math.MaxInt64, 5000, cleanPolicy{}, true, 4, 4, 400, 0, ""},
		{"a first dirty offset past the active base is clamped", four, 99, -1, 0, math.MaxInt64, 5000, cleanPolicy{}, true, 4, 4, 400, 0, ""},
		{"a first dirty offset below the log start is clamped", four, 0, -1, 15, math.MaxInt64, 5000, ratio, false, 1, 4, 100, 300, "min.cleanable.dirty.ratio"},
		{"mid-segment first dirty offset: the segment counts as dirty", four, 15, -1, 0, math.MaxInt64, 5000, ratio, false, 1, 4, 100, 300, "min.cleanable.dirty.ratio"},
		{"the high watermark stops the dirty range", four, 0, -1, 0, 25, 5000, ratio, false, 0, 2, 0, 200, "min.cleanable.dirty.ratio"},
		{"an unflushed segment stops it", notReady, 0, -1, 0, math.MaxInt64, 5000, ratio, false, 0, 2, 0, 200, "min.cleanable.dirty.ratio"},
		{"min.compaction.lag.ms stops it at young segments", four, 0, -1, 0, math.MaxInt64, 5000, cleanPolicy{minDirtyRatio: 0.5, minLagMs: 2500}, false, 0, 2, 0, 200, "min.cleanable.dirty.ratio"},
		{"everything too young", four, 0, -1, 0, math.MaxInt64, 5000, cleanPolicy{minLagMs: 5000}, true, 0, 0, 0, 0, ""},
		{"max.compaction.lag.ms overdue", four, 20, -1, 0, math.MaxInt64, 5000, cleanPolicy{minDirtyRatio: 0.9, maxLagMs: 1500}, false, 2, 4, 200, 200, "max.compaction.lag.ms"},
		{"max.compaction.lag.ms not yet", four, 20, -1, 0, math.MaxInt64, 5000, cleanPolicy{minDirtyRatio: 0.9, maxLagMs: 2000}, false, 2, 4, 200, 200, ""},
		{"a delete horizon passed", four, 40, 4000, 0, math.MaxInt64, 5000, ratio, false, 4, 4, 400, 0, "delete.retention.ms"},
		{"a delete horizon ahead", four, 40, 6000, 0, math.MaxInt64, 5000, ratio, false, 4, 4, 400, 0, ""},
		{"only the active segment", four[4:], 0, -1, 0, math.MaxInt64, 5000, ratio, true, 0, 0, 0, 0, ""},
		{"no segments", nil, 0, -1, 0, math.MaxInt64, 5000, ratio, true, 0, 0, 0, 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := planCleaning(tc.segs, tc.firstDirty, tc.horizon, tc.logStart, tc.limit, tc.now, tc.pol, tc.forced)
			if p.dirtyFrom != tc.wantFrom || p.dirtyTo != tc.wantTo || p.cleanBytes != tc.wantClean || p.dirtyBytes != tc.wantDirt || p.reason != tc.wantReason {
				t.Fatalf("dirty [%d, %d) clean %d dirty %d reason %q; want [%d, %d) %d %d %q",
					p.dirtyFrom, p.dirtyTo, p.cleanBytes, p.dirtyBytes, p.reason, tc.wantFrom, tc.wantTo, tc.wantClean, tc.wantDirt, tc.wantReason)
			}
		})
	}
}

func TestGroupSegments(t *testing.T) {
	seg := func(base, next, size int64) cleanSegStat { return cleanSegStat{base: base, next: next, size: size} }
	cases := []struct {
		name       string
		segs       []cleanSegStat
		n          int
		maxBytes   int64
		maxEntries int64
		want       []int
	}{
		{"none", nil, 0, 1000, 100, nil},
		{"small ones merge", []cleanSegStat{seg(0, 10, 100), seg(10, 20, 100), seg(20, 30, 100)}, 3, 1000, 100, []int{3}},
		{"segment.bytes splits", []cleanSegStat{seg(0, 10, 600), seg(10, 20, 300), seg(20, 30, 300), seg(30, 40, 900)}, 4, 1000, 100, []int{2, 3, 4}},
		{"a segment larger than segment.bytes stays alone", []cleanSegStat{seg(0, 10, 2000), seg(10, 20, 1)}, 2, 1000, 100, []int{1, 2}},
		{"only the first n", []cleanSegStat{seg(0, 10, 1), seg(10, 20, 1), seg(20, 30, 1)}, 2, 1000, 100, []int{2}},
		{"32-bit relative offsets split", []cleanSegStat{seg(0, 1<<31-1, 1), seg(1<<31-1, 1<<31+5, 1)}, 2, 1000, 100, []int{1, 2}},
		{"index entries split", []cleanSegStat{seg(0, 10, 256), seg(10, 20, 256)}, 2, 1000, 3, []int{1, 2}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := groupSegments(tc.segs, tc.n, tc.maxBytes, tc.maxEntries, 256); !slices.Equal(got, tc.want) {
				t.Fatalf("groups end at %v, want %v", got, tc.want)
			}
		})
	}
}
