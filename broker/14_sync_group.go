package broker

import (
	"github.com/spate-io/spate/broker/group"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// SyncGroup v0-5.
// The leader's request carries every member's assignment; followers wait
// for it. v5+ checks the protocol type and name against the group's.

func init() { register(14, 0, 5, true, (*Broker).handleSyncGroup) }

func (b *Broker) handleSyncGroup(cx *reqCtx) (kmsg.Response, error) {
	req := cx.req.(*kmsg.SyncGroupRequest)
	resp := req.ResponseKind().(*kmsg.SyncGroupResponse)
	if req.Group == "" {
		resp.ErrorCode = kerr.InvalidGroupID.Code
		return resp, nil
	}
	sr := group.SyncRequest{MemberID: req.MemberID, Generation: req.Generation, ProtocolType: req.ProtocolType, Protocol: req.Protocol}
	if len(req.GroupAssignment) > 0 {
		sr.Assignments = make(map[string][]byte, len(req.GroupAssignment))
		for _, a := range req.GroupAssignment {
			sr.Assignments[a.MemberID] = a.MemberAssignment
		}
	}
	r, ok := b.groups.sync(req.Group, sr, kerr.UnknownMemberID.Code, cx.ctx.Done())
	if !ok {
		return nil, nil
	}
	resp.ErrorCode, resp.MemberAssignment = r.ErrorCode, r.Assignment
	if r.ErrorCode == 0 {
		pt, p := r.ProtocolType, r.Protocol
		resp.ProtocolType, resp.Protocol = &pt, &p
	}
	return resp, nil
}
