package broker

import (
	"github.com/spate-io/spate/broker/group"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// DeleteGroups v0-3.
// Deletes a group that has no members, with its committed offsets
// (tombstones in __consumer_offsets); a group with members answers
// NON_EMPTY_GROUP.

func init() { register(42, 0, 3, false, (*Broker).handleDeleteGroups) }

func (b *Broker) handleDeleteGroups(cx *reqCtx) (kmsg.Response, error) {
	req := cx.req.(*kmsg.DeleteGroupsRequest)
	resp := req.ResponseKind().(*kmsg.DeleteGroupsResponse)
	for _, id := range req.Groups {
		dg := kmsg.NewDeleteGroupsResponseGroup()
		dg.Group = id
		dg.ErrorCode = b.groups.delete(id)
		resp.Groups = append(resp.Groups, dg)
	}
	return resp, nil
}

func (c *coordinator) delete(id string) int16 {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entry(id, false)
	switch {
	case id == "":
		return kerr.InvalidGroupID.Code
	case e == nil:
		return kerr.GroupIDNotFound.Code
	case e.g.State() != group.Empty:
		return kerr.NonEmptyGroup.Code
	}
	if len(e.offsets) > 0 {
		recs := make([]kv, 0, len(e.offsets))
		for tp := range e.offsets {
			recs = append(recs, kv{key: offsetKey(id, tp.topic, tp.partition)})
		}
		if err := c.persistOffsets(id, recs); err != nil {
			c.b.log.Error("broker: group deletion not stored", "group", id, "err", err)
			return errorCode(err)
		}
	}
	e.g.Kill()
	delete(c.groups, id)
	return 0
}
