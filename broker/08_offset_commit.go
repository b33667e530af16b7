package broker

import (
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// OffsetCommit v0-9.
// Answered by the group's coordinator. A member commits with its member
// id and current generation; generation -1 without a member id (v0, admin
// tools, simple consumers) commits to a group with no members. The commit
// is appended to __consumer_offsets and replicated to every in-sync
// replica before it is answered, so an acknowledged commit survives a
// restart and the loss of a broker. Unknown topics or partitions answer
// UNKNOWN_TOPIC_OR_PARTITION and are not stored.

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
	s := b.meta()
	codes := make([][]int16, len(req.Topics))
	commits := map[topicPartition]committedOffset{}
	for i, rt := range req.Topics {
		codes[i] = make([]int16, len(rt.Partitions))
		t, _ := s.Topic(rt.Topic)
		for j, rp := range rt.Partitions {
			switch {
			case t == nil || rp.Partition < 0 || int(rp.Partition) >= len(t.Partitions):
				codes[i][j] = kerr.UnknownTopicOrPartition.Code
			case rp.Metadata != nil && len(*rp.Metadata) > maxOffsetMetadata:
				codes[i][j] = kerr.OffsetMetadataTooLarge.Code
			default:
				commits[topicPartition{rt.Topic, rp.Partition}] = committedOffset{offset: rp.Offset, leaderEpoch: rp.LeaderEpoch, metadata: derefString(rp.Metadata), at: now}
			}
		}
	}
	wait := func() int16 { return kerr.InvalidGroupID.Code }
	if req.Group != "" {
		wait = b.groups.commit(req.Group, member, gen, commits)
	}
	cx.then = func() (kmsg.Response, error) {
		groupCode := wait()
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
	return nil, nil
}

// commit validates a commit against the group's membership and appends
// it; the returned function waits for its replication, applies it and
// returns the error code for every partition.
func (c *coordinator) commit(groupID, member string, gen int32, offsets map[topicPartition]committedOffset) func() int16 {
	c.mu.Lock()
	defer c.mu.Unlock()
	fail := func(code int16) func() int16 { return func() int16 { return code } }
	part, code := c.ownerLocked(groupID)
	if code != 0 {
		return fail(code)
	}
	e := c.entry(groupID, part, false)
	if e == nil {
		if gen >= 0 || member != "" {
			return fail(kerr.UnknownMemberID.Code)
		}
		e = c.entry(groupID, part, true)
	}
	if code := e.g.CanCommit(member, gen); code != 0 || len(offsets) == 0 {
		return fail(code)
	}
	recs := make([]kv, 0, len(offsets))
	for tp, o := range offsets {
		recs = append(recs, kv{offsetKey(groupID, tp.topic, tp.partition), offsetValue(o)})
	}
	o := c.owned[part]
	wait := c.appendOffsets(part, recs)
	return func() int16 {
		code, at := wait()
		if code != 0 {
			return code
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.owned[part] != o {
			return kerr.NotCoordinator.Code
		}
		e := c.entry(groupID, part, true)
		for tp, off := range offsets {
			off.logOffset = at
			if cur, ok := e.offsets[tp]; !ok || cur.logOffset < at {
				e.offsets[tp] = off
			}
		}
		return 0
	}
}
