package broker

import (
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// LeaveGroup v0-5.
// Removes the member(s) and rebalances the rest at once, instead of after a
// session timeout. v3+ may remove several members in one request.

func init() { register(13, 0, 5, false, (*Broker).handleLeaveGroup) }

func (b *Broker) handleLeaveGroup(cx *reqCtx) (kmsg.Response, error) {
	req := cx.req.(*kmsg.LeaveGroupRequest)
	resp := req.ResponseKind().(*kmsg.LeaveGroupResponse)
	leave := func(id string) int16 {
		code := kerr.UnknownMemberID.Code
		if c, _ := b.groups.do(req.Group, func(e *groupEntry) { code = e.g.Leave(b.cfg.Now(), id) }); c != 0 {
			return c
		}
		return code
	}
	if req.Version < 3 {
		resp.ErrorCode = leave(req.MemberID)
		return resp, nil
	}
	for _, m := range req.Members {
		rm := kmsg.NewLeaveGroupResponseMember()
		rm.MemberID, rm.InstanceID = m.MemberID, m.InstanceID
		rm.ErrorCode = leave(m.MemberID)
		resp.Members = append(resp.Members, rm)
	}
	return resp, nil
}
