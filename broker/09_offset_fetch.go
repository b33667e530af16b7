package broker

import (
	"sort"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// OffsetFetch v0-9.
// Answered by the group's coordinator (else NOT_COORDINATOR).
// Returns committed offsets; a partition without one answers offset -1.
// A nil topic list (v2+) returns every committed offset of the group.
// v8+ asks for several groups at once.

func init() { register(9, 0, 9, false, (*Broker).handleOffsetFetch) }

func (b *Broker) handleOffsetFetch(cx *reqCtx) (kmsg.Response, error) {
	req := cx.req.(*kmsg.OffsetFetchRequest)
	resp := req.ResponseKind().(*kmsg.OffsetFetchResponse)
	if req.Version < 8 {
		rg := kmsg.NewOffsetFetchRequestGroup()
		rg.Group = req.Group
		if req.Topics != nil {
			rg.Topics = []kmsg.OffsetFetchRequestGroupTopic{}
		}
		for _, t := range req.Topics {
			gt := kmsg.NewOffsetFetchRequestGroupTopic()
			gt.Topic, gt.Partitions = t.Topic, t.Partitions
			rg.Topics = append(rg.Topics, gt)
		}
		g := b.offsetFetchGroup(rg)
		resp.ErrorCode = g.ErrorCode
		if g.ErrorCode != 0 && req.Version < 2 {
			// No group-level error code before v2: answer it per partition.
			for _, t := range req.Topics {
				gt := kmsg.NewOffsetFetchResponseGroupTopic()
				gt.Topic = t.Topic
				for _, p := range t.Partitions {
					gp := kmsg.NewOffsetFetchResponseGroupTopicPartition()
					gp.Partition, gp.Offset, gp.LeaderEpoch, gp.ErrorCode = p, -1, -1, g.ErrorCode
					gt.Partitions = append(gt.Partitions, gp)
				}
				g.Topics = append(g.Topics, gt)
			}
		}
		for _, t := range g.Topics {
			rt := kmsg.NewOffsetFetchResponseTopic()
			rt.Topic = t.Topic
			for _, p := range t.Partitions {
				rp := kmsg.NewOffsetFetchResponseTopicPartition()
				rp.Partition, rp.Offset, rp.LeaderEpoch, rp.Metadata, rp.ErrorCode = p.Partition, p.Offset, p.LeaderEpoch, p.Metadata, p.ErrorCode
				rt.Partitions = append(rt.Partitions, rp)
			}
			resp.Topics = append(resp.Topics, rt)
		}
		return resp, nil
	}
	for _, rg := range req.Groups {
		resp.Groups = append(resp.Groups, b.offsetFetchGroup(rg))
	}
	return resp, nil
}

func (b *Broker) offsetFetchGroup(rg kmsg.OffsetFetchRequestGroup) kmsg.OffsetFetchResponseGroup {
	out := kmsg.NewOffsetFetchResponseGroup()
	out.Group = rg.Group
	if rg.Group == "" {
		out.ErrorCode = kerr.InvalidGroupID.Code
		return out
	}
	var offsets map[topicPartition]committedOffset
	code, _ := b.groups.do(rg.Group, func(e *groupEntry) {
		offsets = make(map[topicPartition]committedOffset, len(e.offsets))
		for k, v := range e.offsets {
			offsets[k] = v
		}
	})
	if code != 0 {
		out.ErrorCode = code
		return out
	}
	topics := rg.Topics
	if topics == nil {
		topics = committedTopics(offsets)
	}
	for _, t := range topics {
		gt := kmsg.NewOffsetFetchResponseGroupTopic()
		gt.Topic = t.Topic
		for _, p := range t.Partitions {
			gp := kmsg.NewOffsetFetchResponseGroupTopicPartition()
			gp.Partition, gp.Offset, gp.LeaderEpoch = p, -1, -1
			empty := ""
			gp.Metadata = &empty
			if o, ok := offsets[topicPartition{t.Topic, p}]; ok {
				md := o.metadata
				gp.Offset, gp.LeaderEpoch, gp.Metadata = o.offset, o.leaderEpoch, &md
			}
			gt.Partitions = append(gt.Partitions, gp)
		}
		out.Topics = append(out.Topics, gt)
	}
	return out
}

// committedTopics lists the group's committed partitions, sorted.
func committedTopics(offsets map[topicPartition]committedOffset) []kmsg.OffsetFetchRequestGroupTopic {
	byTopic := map[string][]int32{}
	for tp := range offsets {
		byTopic[tp.topic] = append(byTopic[tp.topic], tp.partition)
	}
	out := []kmsg.OffsetFetchRequestGroupTopic{}
	for _, name := range sortedKeys(byTopic) {
		ps := byTopic[name]
		sort.Slice(ps, func(i, j int) bool { return ps[i] < ps[j] })
		t := kmsg.NewOffsetFetchRequestGroupTopic()
		t.Topic, t.Partitions = name, ps
		out = append(out, t)
	}
	return out
}
