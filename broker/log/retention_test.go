package log

import "testing"

func TestPlanRetention(t *testing.T) {
	now := int64(1_000_000)
	segs := func(ts ...int64) []segmentStat {
		var s []segmentStat
		for i, t := range ts {
			s = append(s, segmentStat{base: int64(i * 100), next: int64(i*100 + 100), size: 1000, maxTs: t})
		}
		return s
	}
	cases := []struct {
		name           string
		segs           []segmentStat
		retentionMs    int64
		retentionBytes int64
		logStart       int64
		limit          int64
		want           int
		roll           bool
	}{
		{"nothing to do", segs(now, now, now), 1000, -1, 0, noLimit, 0, false},
		{"expired prefix", segs(now-5000, now-3000, now-10, now), 1000, -1, 0, noLimit, 2, false},
		{"a fresh segment stops the prefix", segs(now-5000, now, now-5000, now), 1000, -1, 0, noLimit, 1, false},
		{"forever", segs(0, 0, now), -1, -1, 0, noLimit, 0, false},
		{"all expired: roll the active one", segs(now-5000, now-5000, now-5000), 1000, -1, 0, noLimit, 2, true},
		{"by bytes", segs(now, now, now, now), -1, 2500, 0, noLimit, 1, false},
		{"by bytes exact", segs(now, now, now, now), -1, 2000, 0, noLimit, 2, false},
		{"bytes never delete the active segment", segs(now, now), -1, 0, 0, noLimit, 1, false},
		{"log start", segs(now, now, now, now), -1, -1, 250, noLimit, 2, false},
		{"log start on a boundary", segs(now, now, now, now), -1, -1, 200, noLimit, 2, false},
		{"largest rule wins", segs(now-5000, now, now, now), 1000, 2000, 0, noLimit, 2, false},
		{"limit keeps data a follower needs", segs(now-5000, now-5000, now-5000, now), 1000, -1, 0, 150, 1, false},
		{"limit blocks the roll", segs(now-5000, now-5000), 1000, -1, 0, 150, 1, false},
		{"an empty compacted segment does not stop time retention",
			[]segmentStat{{base: 0, next: 100, maxTs: -1}, {base: 100, next: 200, size: 1000, maxTs: now - 5000}, {base: 200, next: 300, size: 1000, maxTs: now}}, 1000, -1, 0, noLimit, 2, false},
		{"an empty compacted segment is kept forever with retention.ms=-1",
			[]segmentStat{{base: 0, next: 100, maxTs: -1}, {base: 100, next: 200, size: 1000, maxTs: now}}, -1, -1, 0, noLimit, 0, false},
		{"empty active is not rolled", append(segs(now-5000), segmentStat{base: 100, next: 100, maxTs: -1}), 1000, -1, 0, noLimit, 1, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := planRetention(c.segs, c.retentionMs, c.retentionBytes, now, c.logStart, c.limit)
			if p.delete != c.want || p.rollActive != c.roll {
				t.Fatalf("plan %+v; want delete %d roll %v", p, c.want, c.roll)
			}
		})
	}
}
