package broker

import (
	blog "github.com/spate-io/spate/broker/log"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// OffsetForLeaderEpoch v0-4.
// The partition's leader answers, for a leader epoch, the largest epoch at
// or below it that wrote to its log and the offset where that epoch ends
// (the log end offset for the latest): followers truncate to it before
// fetching (KIP-101/279) and consumers detect truncation with it
// (KIP-320). CurrentLeaderEpoch (v2+) is checked as in Fetch.

func init() { register(23, 0, 4, false, (*Broker).handleOffsetForLeaderEpoch) }

func (b *Broker) handleOffsetForLeaderEpoch(cx *reqCtx) (kmsg.Response, error) {
	req := cx.req.(*kmsg.OffsetForLeaderEpochRequest)
	resp := req.ResponseKind().(*kmsg.OffsetForLeaderEpochResponse)
	s := b.meta()
	for _, rt := range req.Topics {
		st := kmsg.NewOffsetForLeaderEpochResponseTopic()
		st.Topic = rt.Topic
		t, _ := s.Topic(rt.Topic)
		for _, rp := range rt.Partitions {
			sp := kmsg.NewOffsetForLeaderEpochResponseTopicPartition()
			sp.Partition, sp.LeaderEpoch, sp.EndOffset = rp.Partition, blog.UndefinedEpoch, blog.UndefinedOffset
			if t == nil {
				sp.ErrorCode = errorCode(newTopicError(kerr.UnknownTopicOrPartition, "topic %s does not exist", rt.Topic))
			} else if p, err := b.leaderOf(t, rp.Partition, rp.CurrentLeaderEpoch); err != nil {
				sp.ErrorCode = errorCode(err)
			} else {
				sp.LeaderEpoch, sp.EndOffset = p.log.EndOffsetForEpoch(rp.LeaderEpoch)
			}
			st.Partitions = append(st.Partitions, sp)
		}
		resp.Topics = append(resp.Topics, st)
	}
	return resp, nil
}
