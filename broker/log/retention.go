package log

// segmentStat is what retention needs to know of a segment.
type segmentStat struct {
	base  int64 // base offset
	next  int64 // offset after its last batch
	size  int64 // bytes
	maxTs int64 // largest batch timestamp (ms), -1 if none
}

// retentionPlan is the outcome of a retention check.
type retentionPlan struct {
	// delete is how many of the oldest segments to delete.
	delete int
	// rollActive asks to roll the active segment first: all of its data has
	// expired by time, and only a sealed segment can be deleted. The caller
	// rolls and plans again.
	rollActive bool
	// reason names the rule that deleted the most ("retention.ms", ...).
	reason string
}

// planRetention chooses the oldest segments to delete, Kafka's rules:
// segments whose newest timestamp is older than retention.ms; the oldest
// segments while the partition is over retention.bytes; segments wholly
// below the log start offset. Each rule deletes a prefix of the segments;
// the largest prefix wins. The active (last) segment is never deleted, and
// no segment holding an offset at or above limit (the high watermark: data
// a follower or reader still needs) is deleted.
func planRetention(segs []segmentStat, retentionMs, retentionBytes, nowMs, logStart, limit int64) retentionPlan {
	if len(segs) == 0 {
		return retentionPlan{}
	}
	sealed := segs[:len(segs)-1]
	var p retentionPlan
	expiredSealed := expiredPrefix(sealed, retentionMs, nowMs)
	if expiredSealed > p.delete {
		p.delete, p.reason = expiredSealed, "retention.ms"
	}
	if n := oversizePrefix(segs, retentionBytes); n > p.delete {
		p.delete, p.reason = n, "retention.bytes"
	}
	if n := belowStartPrefix(segs, logStart); n > p.delete {
		p.delete, p.reason = n, "log start offset"
	}
	for p.delete > 0 && segs[p.delete-1].next > limit {
		p.delete--
	}
	active := segs[len(segs)-1]
	allSealedGo := p.delete == len(sealed) && expiredSealed == len(sealed)
	if allSealedGo && active.size > 0 && expired(active, retentionMs, nowMs) && active.next <= limit {
		p.rollActive = true
		if p.reason == "" {
			p.reason = "retention.ms"
		}
	}
	return p
}

func expired(s segmentStat, retentionMs, nowMs int64) bool {
	return retentionMs >= 0 && s.maxTs >= 0 && nowMs-s.maxTs > retentionMs
}

// expiredPrefix counts the oldest segments whose data is all older than
// retentionMs. An empty sealed segment (compaction can leave one) has no
// timestamp but nothing to keep either: it does not stop the prefix.
func expiredPrefix(segs []segmentStat, retentionMs, nowMs int64) int {
	n := 0
	for n < len(segs) && retentionMs >= 0 && (segs[n].size == 0 || expired(segs[n], retentionMs, nowMs)) {
		n++
	}
	return n
}

// oversizePrefix counts the oldest sealed segments to delete so the
// partition's size falls to at most retentionBytes (-1: unlimited).
func oversizePrefix(segs []segmentStat, retentionBytes int64) int {
	if retentionBytes < 0 {
		return 0
	}
	var total int64
	for _, s := range segs {
		total += s.size
	}
	diff := total - retentionBytes
	n := 0
	for n < len(segs)-1 && diff-segs[n].size >= 0 {
		diff -= segs[n].size
		n++
	}
	return n
}

// belowStartPrefix counts the oldest segments whose successor starts at or
// below logStart: nothing in them is readable any more.
func belowStartPrefix(segs []segmentStat, logStart int64) int {
	n := 0
	for n < len(segs)-1 && segs[n+1].base <= logStart {
		n++
	}
	return n
}
