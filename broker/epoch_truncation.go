package broker

import blog "github.com/spate-io/spate/broker/log"

// truncation is what a follower does with its leader's answer to
// OffsetForLeaderEpoch before it fetches (KIP-101, KIP-279): truncate its
// log to Offset and, unless Done, ask again with its new latest epoch.
type truncation struct {
	Offset int64
	Done   bool
}

// epochAnswer is the leader's answer for the follower's latest epoch: the
// largest epoch at or below it that the leader knows and where that epoch
// ends in the leader's log.
type epochAnswer struct {
	Epoch     int32
	EndOffset int64
}

// planTruncation decides the follower's truncation, as Kafka's
// AbstractFetcherThread does:
//   - the leader knows no such epoch: keep only what is known committed
//     (the follower's high watermark);
//   - the leader's epoch is one the follower has: the logs agree up to the
//     leader's end of that epoch, so cut there (or keep all if shorter);
//   - the follower never wrote in the leader's epoch: cut to where the
//     follower's own history of that epoch ends and ask again, which finds
//     the last epoch both have.
//
// followerEnd is the follower's EndOffsetForEpoch; leo and hw its log end
// offset and high watermark. The offset is never above leo.
func planTruncation(leader epochAnswer, followerEnd func(int32) (int32, int64), leo, hw int64) truncation {
	if leader.Epoch == blog.UndefinedEpoch || leader.EndOffset < 0 {
		return truncation{Offset: min(hw, leo), Done: true}
	}
	epoch, end := followerEnd(leader.Epoch)
	switch {
	case epoch == blog.UndefinedEpoch:
		// The follower has nothing of that epoch or before: it knows no
		// history to compare, the leader's end offset is the bound.
		return truncation{Offset: min(leader.EndOffset, leo), Done: true}
	case epoch != leader.Epoch:
		return truncation{Offset: min(end, leo), Done: false}
	}
	return truncation{Offset: min(leader.EndOffset, end, leo), Done: true}
}
