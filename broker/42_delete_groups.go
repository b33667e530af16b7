package broker

import (
	"github.com/spate-io/spate/broker/group"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// DeleteGroups v0-3.
// Deletes a group that has no members, with its committed offsets
// (tombstones in __consumer_offsets, replicated before the answer); a
// group with members answers NON_EMPTY_GROUP. Answered by the group's
// coordinator.

func init() { register(42, 0, 3, true, (*Broker).handleDeleteGroups) }

func (b *Broker) handleDeleteGroups(cx *reqCtx) (kmsg.Response, error) {
	req := cx.req.(*kmsg.DeleteGroupsRequest)
	resp := req.ResponseKind().(*kmsg.DeleteGroupsResponse)
	for _, id := range req.Groups {
		dg := kmsg.NewDeleteGroupsResponseGroup()
		dg.Group = id
		dg.ErrorCode = b.groups.delete(id)()
		resp.Groups = append(resp.Groups, dg)
	}
	return resp, nil
}

// delete writes the tombstones of a group's offsets and forgets it; the
// returned function waits for their replication.
func (c *coordinator) delete(id string) func() int16 {
	c.mu.Lock()
	defer c.mu.Unlock()
	fail := func(code int16) func() int16 { return func() int16 { return code } }
	if id == "" {
		return fail(kerr.InvalidGroupID.Code)
	}
	part, code := c.ownerLocked(id)
	if code != 0 {
		return fail(code)
	}
	e := c.entry(id, part, false)
	switch {
	case e == nil:
		return fail(kerr.GroupIDNotFound.Code)
	case e.g.State() != group.Empty:
		return fail(kerr.NonEmptyGroup.Code)
	}
	wait := func() (int16, int64) { return 0, 0 }
	if len(e.offsets) > 0 {
		recs := make([]kv, 0, len(e.offsets))
		for tp := range e.offsets {
			recs = append(recs, kv{key: offsetKey(id, tp.topic, tp.partition)})
		}
		wait = c.appendOffsets(part, recs)
	}
	e.g.Kill()
	delete(c.groups, id)
	return func() int16 {
		code, _ := wait()
		return code
	}
}
