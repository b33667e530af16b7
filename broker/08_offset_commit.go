package broker

import (
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// OffsetCommit v0-9.
// A member commits with its member id and current generation; generation
// -1 without a member id (v0, admin tools, simple consumers) commits to a
// group with no members. The commit is appended to __consumer_offsets
// before it is answered, so an acknowledged commit survives a restart.
// Unknown topics or partitions answer UNKNOWN_TOPIC_OR_PARTITION and are
// not stored.

func init() { register(8, 0, 9, false, (*Broker).handleOffsetCommit) }

// maxOffsetMetadata is offset.metadata.max.bytes.
const maxOffsetMetadata = 4096

func (b *Broker) handleOffsetCommit(cx *reqCtx) (kmsg.Response, error) {
	req := cx.req.(*kmsg.OffsetCommitRequest)
	resp := req.ResponseKind().(*kmsg.OffsetCommitResponse)
	gen, member := req.Generation, req.MemberID
	if req.Version == 0 {
		gen, member = -1, ""
	}
	now := b.cfg.Now().UnixMilli()
	codes := make([][]int16, len(req.Topics))
	commits := map[topicPartition]committedOffset{}
	for i, rt := range req.Topics {
		codes[i] = make([]int16, len(rt.Partitions))
		for j, rp := range rt.Partitions {
			switch {
			case b.topics.partition(rt.Topic, rp.Partition) == nil:
				codes[i][j] = kerr.UnknownTopicOrPartition.Code
			case rp.Metadata != nil && len(*rp.Metadata) > maxOffsetMetadata:
				codes[i][j] = kerr.OffsetMetadataTooLarge.Code
			default:
				commits[topicPartition{rt.Topic, rp.Partition}] = committedOffset{offset: rp.Offset, leaderEpoch: rp.LeaderEpoch, metadata: derefString(rp.Metadata), at: now}
			}
		}
	}
	groupCode := kerr.InvalidGroupID.Code
	if req.Group != "" {
		groupCode = b.groups.commit(req.Group, member, gen, commits)
	}
	for i, rt := range req.Topics {
		st := kmsg.NewOffsetCommitResponseTopic()
		st.Topic = rt.Topic
		for j, rp := range rt.Partitions {
			sp := kmsg.NewOffsetCommitResponseTopicPartition()
			sp.Partition, sp.ErrorCode = rp.Partition, codes[i][j]
			if sp.ErrorCode == 0 {
				sp.ErrorCode = groupCode
			}
			st.Partitions = append(st.Partitions, sp)
		}
		resp.Topics = append(resp.Topics, st)
	}
	return resp, nil
}

// commit validates a commit against the group's membership, persists it
// and applies it; it returns the error code for every partition.
func (c *coordinator) commit(groupID, member string, gen int32, offsets map[topicPartition]committedOffset) int16 {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entry(groupID, false)
	if e == nil {
		if gen >= 0 || member != "" {
			return kerr.UnknownMemberID.Code
		}
		e = c.entry(groupID, true)
	}
	if code := e.g.CanCommit(member, gen); code != 0 {
		return code
	}
	if len(offsets) == 0 {
		return 0
	}
	recs := make([]kv, 0, len(offsets))
	for tp, o := range offsets {
		recs = append(recs, kv{offsetKey(groupID, tp.topic, tp.partition), offsetValue(o)})
	}
	if err := c.persistOffsets(groupID, recs); err != nil {
		c.b.log.Error("broker: offset commit not stored", "group", groupID, "err", err)
		return errorCode(err)
	}
	for tp, o := range offsets {
		e.offsets[tp] = o
	}
	return 0
}
