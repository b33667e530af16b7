package broker

import (
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Heartbeat v0-4.
// Keeps a member's session alive; REBALANCE_IN_PROGRESS tells it to rejoin.

func init() { register(12, 0, 4, false, (*Broker).handleHeartbeat) }

func (b *Broker) handleHeartbeat(cx *reqCtx) (kmsg.Response, error) {
	req := cx.req.(*kmsg.HeartbeatRequest)
	resp := req.ResponseKind().(*kmsg.HeartbeatResponse)
	code, found := b.groups.do(req.Group, func(e *groupEntry) {
		resp.ErrorCode = e.g.Heartbeat(b.cfg.Now(), req.MemberID, req.Generation)
	})
	switch {
	case code != 0:
		resp.ErrorCode = code
	case !found:
		resp.ErrorCode = kerr.UnknownMemberID.Code
	}
	return resp, nil
}
