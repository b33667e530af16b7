package broker

import (
	"github.com/spate-io/spate/broker/cluster"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// ListOffsets v0-10.
// Answered by the partition's leader (CurrentLeaderEpoch is checked).
// Timestamp -2 is the log start offset, -1 the high watermark (the log end
// for a replica, replica id >= 0), -3 (v7+, KIP-734) the record with the
// largest timestamp, -4 (v8+) the local log start (there is no tiered
// storage: the log start), -5 (v9+) the last tiered offset (-1: none);
// any other the first offset whose timestamp is at least it (-1 when
// there is none). v0 answers in OldStyleOffsets; v10's TimeoutMillis is
// moot (every answer is immediate). The leader epoch of the
// answer is the one that wrote the record when known, else -1.

func init() { register(2, 0, 10, false, (*Broker).handleListOffsets) }

func (b *Broker) handleListOffsets(cx *reqCtx) (kmsg.Response, error) {
	req := cx.req.(*kmsg.ListOffsetsRequest)
	resp := req.ResponseKind().(*kmsg.ListOffsetsResponse)
	s := b.meta()
	for _, rt := range req.Topics {
		st := kmsg.NewListOffsetsResponseTopic()
		st.Topic = rt.Topic
		t, _ := s.Topic(rt.Topic)
		for _, rp := range rt.Partitions {
			sp := kmsg.NewListOffsetsResponseTopicPartition()
			sp.Partition = rp.Partition
			off, ts, epoch, err := b.listOffset(t, rt.Topic, req.ReplicaID, rp)
			sp.ErrorCode = errorCode(err)
			sp.Offset, sp.Timestamp, sp.LeaderEpoch = off, ts, epoch
			if req.Version == 0 && err == nil {
				sp.OldStyleOffsets = []int64{off}
			}
			st.Partitions = append(st.Partitions, sp)
		}
		resp.Topics = append(resp.Topics, st)
	}
	return resp, nil
}

func (b *Broker) listOffset(t *cluster.Topic, name string, replica int32, rp kmsg.ListOffsetsRequestTopicPartition) (offset, ts int64, epoch int32, err error) {
	if t == nil {
		return -1, -1, -1, newTopicError(kerr.UnknownTopicOrPartition, "topic %s does not exist", name)
	}
	p, err := b.leaderOf(t, rp.Partition, rp.CurrentLeaderEpoch)
	if err != nil {
		return -1, -1, -1, err
	}
	switch rp.Timestamp {
	case -2, -4:
		return p.log.LogStartOffset(), -1, -1, nil
	case -1:
		if replica >= 0 {
			return p.log.LogEndOffset(), -1, -1, nil
		}
		return p.highWatermark(), -1, -1, nil
	case -3:
		to, ok := p.log.MaxTimestamp()
		if !ok || to.Offset >= p.highWatermark() {
			return -1, -1, -1, nil
		}
		return to.Offset, to.Timestamp, to.LeaderEpoch, nil
	case -5:
		return -1, -1, -1, nil
	}
	if rp.Timestamp < 0 {
		return -1, -1, -1, newTopicError(kerr.InvalidRequest, "timestamp %d is not -1 (latest), -2 (earliest), -3 (max timestamp) or a time", rp.Timestamp)
	}
	to, found, err := p.log.OffsetForTimestamp(rp.Timestamp)
	switch {
	case err != nil:
		return -1, -1, -1, logError(err)
	case !found || to.Offset >= p.highWatermark():
		return -1, -1, -1, nil
	}
	return to.Offset, to.Timestamp, to.LeaderEpoch, nil
}
