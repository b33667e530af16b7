package log

import "math"

// A compacted log is split at the first dirty offset: below it the records
// were compacted against every later key the compaction saw ("clean"), at
// and above it they were not ("dirty"). A round maps the keys of the dirty
// records of sealed segments, then rewrites every segment from the start of
// the log through the mapped ones (Kafka's LogCleaner).

// cleanSegStat is what planning needs to know of a segment.
type cleanSegStat struct {
	base, next, size int64
	maxTs            int64 // largest batch timestamp (ms), -1 if none
	firstTs          int64 // MaxTimestamp of its first batch, -1 if unknown or empty
	ready            bool  // sealed and fsynced: the cleaner may read it
}

// cleanPolicy is the compaction part of a Config, in milliseconds.
type cleanPolicy struct {
	minDirtyRatio float64 // >= 0
	minLagMs      int64   // 0: none
	maxLagMs      int64   // 0: none
}

func cleanPolicyOf(c Config) cleanPolicy {
	return cleanPolicy{
		minDirtyRatio: max(c.MinCleanableDirtyRatio, 0),
		minLagMs:      c.MinCompactionLag.Milliseconds(),
		maxLagMs:      c.MaxCompactionLag.Milliseconds(),
	}
}

// cleanPlan is where a log stands for compaction.
type cleanPlan struct {
	// firstDirty is the first offset not yet compacted, within the log.
	firstDirty int64
	// dirty is the range of segment indexes a round may map: sealed
	// segments holding offsets at or above firstDirty, up to the first one
	// that is not ready, is above limit (the high watermark) or is younger
	// than min.compaction.lag.ms. The active segment never is.
	dirtyFrom, dirtyTo int
	cleanBytes         int64
	dirtyBytes         int64
	// reason says why a round should run now, "" when none should.
	reason string
}

// ratio is the dirty ratio: dirty bytes over clean and dirty bytes.
func (p cleanPlan) ratio() float64 {
	if p.cleanBytes+p.dirtyBytes == 0 {
		return 0
	}
	return float64(p.dirtyBytes) / float64(p.cleanBytes+p.dirtyBytes)
}

// planCleaning decides whether a compaction round is due. segs are all the
// segments, oldest first, the last being the active one; horizonMs is the
// earliest delete horizon of a kept tombstone (-1 none). A forced round
// (Compact) runs whenever there is anything to do.
func planCleaning(segs []cleanSegStat, firstDirty, horizonMs, logStart, limit, nowMs int64, pol cleanPolicy, forced bool) cleanPlan {
	p := cleanPlan{firstDirty: firstDirty}
	if len(segs) == 0 {
		return p
	}
	p.firstDirty = min(max(firstDirty, logStart), segs[len(segs)-1].base)
	sealed := segs[:len(segs)-1]
	p.dirtyFrom = len(sealed)
	for i, s := range sealed {
		if s.next > p.firstDirty {
			p.dirtyFrom = i
			break
		}
		p.cleanBytes += s.size
	}
	p.dirtyTo = p.dirtyFrom
	for p.dirtyTo < len(sealed) && cleanable(sealed[p.dirtyTo], limit, nowMs, pol.minLagMs) {
		p.dirtyBytes += sealed[p.dirtyTo].size
		p.dirtyTo++
	}
	p.reason = dueReason(p, sealed, horizonMs, nowMs, pol, forced)
	return p
}

// cleanable says whether a dirty sealed segment may be compacted now.
func cleanable(s cleanSegStat, limit, nowMs, minLagMs int64) bool {
	return s.ready && s.next <= limit && !(minLagMs > 0 && s.maxTs > nowMs-minLagMs)
}

// dueReason names the rule that makes a round due, "" if none does.
func dueReason(p cleanPlan, sealed []cleanSegStat, horizonMs, nowMs int64, pol cleanPolicy, forced bool) string {
	mapped := p.dirtyTo > p.dirtyFrom
	switch {
	case horizonMs >= 0 && nowMs >= horizonMs:
		return "delete.retention.ms"
	case !mapped:
		return ""
	case forced:
		return "forced"
	case p.ratio() > pol.minDirtyRatio:
		return "min.cleanable.dirty.ratio"
	case pol.maxLagMs > 0 && overdue(sealed[p.dirtyFrom:p.dirtyTo], nowMs-pol.maxLagMs):
		return "max.compaction.lag.ms"
	}
	return ""
}

// overdue reports whether a segment's first batch is older than before.
func overdue(segs []cleanSegStat, before int64) bool {
	for _, s := range segs {
		if s.firstTs >= 0 && s.firstTs < before {
			return true
		}
	}
	return false
}

// groupSegments splits the first n segments into runs rewritten together,
// each into one segment (Kafka's groupSegmentsBySize): a run's bytes fit
// maxBytes (segment.bytes), its offsets fit the 32-bit relative offsets of
// one segment, and its index fits maxIndexEntries at one entry per interval
// bytes. Small segments left by earlier rounds merge this way. It returns
// the index after each run.
func groupSegments(segs []cleanSegStat, n int, maxBytes, maxIndexEntries, interval int64) []int {
	var ends []int
	for i := 0; i < n; {
		first, bytes := segs[i], segs[i].size
		i++
		for i < n && fitsGroup(first, bytes+segs[i].size, segs[i].next, maxBytes, maxIndexEntries, interval) {
			bytes += segs[i].size
			i++
		}
		ends = append(ends, i)
	}
	return ends
}

func fitsGroup(first cleanSegStat, bytes, next, maxBytes, maxIndexEntries, interval int64) bool {
	return bytes <= maxBytes &&
		next-1-first.base <= math.MaxInt32 &&
		bytes/max(interval, 1)+1 < maxIndexEntries
}
