package broker

import (
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// ListOffsets v0-6.
// Timestamp -2 is the log start offset, -1 the log end (the high
// watermark), any other the first offset whose timestamp is at least it
// (-1 when there is none). v0 answers in OldStyleOffsets. Versions 7+
// (max-timestamp and tiered-storage specials) are not advertised.

func init() { register(2, 0, 6, false, (*Broker).handleListOffsets) }

func (b *Broker) handleListOffsets(cx *reqCtx) (kmsg.Response, error) {
	req := cx.req.(*kmsg.ListOffsetsRequest)
	resp := req.ResponseKind().(*kmsg.ListOffsetsResponse)
	for _, rt := range req.Topics {
		st := kmsg.NewListOffsetsResponseTopic()
		st.Topic = rt.Topic
		for _, rp := range rt.Partitions {
			sp := kmsg.NewListOffsetsResponseTopicPartition()
			sp.Partition = rp.Partition
			off, ts, err := b.listOffset(rt.Topic, rp)
			sp.ErrorCode = errorCode(err)
			sp.Offset, sp.Timestamp, sp.LeaderEpoch = off, ts, 0
			if req.Version == 0 && err == nil {
				sp.OldStyleOffsets = []int64{off}
			}
			st.Partitions = append(st.Partitions, sp)
		}
		resp.Topics = append(resp.Topics, st)
	}
	return resp, nil
}

func (b *Broker) listOffset(topicName string, rp kmsg.ListOffsetsRequestTopicPartition) (offset, ts int64, err error) {
	p := b.topics.partition(topicName, rp.Partition)
	switch {
	case p == nil:
		return -1, -1, newTopicError(kerr.UnknownTopicOrPartition, "topic %s has no partition %d", topicName, rp.Partition)
	case rp.CurrentLeaderEpoch > 0:
		return -1, -1, kerr.UnknownLeaderEpoch
	case rp.Timestamp == -2:
		return p.log.StartOffset(), -1, nil
	case rp.Timestamp == -1:
		return p.log.EndOffset(), -1, nil
	case rp.Timestamp < 0:
		return -1, -1, newTopicError(kerr.InvalidRequest, "timestamp %d is not -1 (latest), -2 (earliest) or a time", rp.Timestamp)
	}
	return p.log.OffsetForTimestamp(rp.Timestamp)
}
