package broker

import (
	"net"
	"time"

	"github.com/spate-io/spate/broker/group"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// JoinGroup v0-9.
// The response waits until the rebalance completes (all members rejoined,
// the rebalance timeout passed, or the initial delay of a new group ran
// out). v4+ new members first get MEMBER_ID_REQUIRED with their id
// (KIP-394). Static membership (InstanceID, v5+) is accepted but members
// are treated as dynamic.

func init() { register(11, 0, 9, true, (*Broker).handleJoinGroup) }

func (b *Broker) handleJoinGroup(cx *reqCtx) (kmsg.Response, error) {
	req := cx.req.(*kmsg.JoinGroupRequest)
	resp := req.ResponseKind().(*kmsg.JoinGroupResponse)
	resp.Generation = -1
	if req.Group == "" {
		resp.ErrorCode = kerr.InvalidGroupID.Code
		return resp, nil
	}
	jr := group.JoinRequest{
		MemberID: req.MemberID, ClientID: cx.hdr.clientID, ClientHost: clientHost(cx.conn.nc),
		ProtocolType:         req.ProtocolType,
		SessionTimeout:       time.Duration(req.SessionTimeoutMillis) * time.Millisecond,
		RebalanceTimeout:     time.Duration(req.RebalanceTimeoutMillis) * time.Millisecond,
		RequireKnownMemberID: req.Version >= 4,
	}
	if req.Version == 0 {
		jr.RebalanceTimeout = jr.SessionTimeout
	}
	for _, p := range req.Protocols {
		jr.Protocols = append(jr.Protocols, group.Protocol{Name: p.Name, Metadata: p.Metadata})
	}
	r, ok := b.groups.join(req.Group, jr, cx.ctx.Done())
	if !ok {
		return nil, nil // the connection is gone; nobody to answer
	}
	resp.ErrorCode, resp.Generation, resp.MemberID, resp.LeaderID = r.ErrorCode, r.Generation, r.MemberID, r.LeaderID
	if r.ErrorCode == 0 {
		pt, p := r.ProtocolType, r.Protocol
		resp.ProtocolType, resp.Protocol = &pt, &p
	}
	for _, m := range r.Members {
		rm := kmsg.NewJoinGroupResponseMember()
		rm.MemberID, rm.ProtocolMetadata = m.MemberID, m.Metadata
		resp.Members = append(resp.Members, rm)
	}
	return resp, nil
}

// clientHost is the client's address as Kafka shows it ("/127.0.0.1").
func clientHost(nc net.Conn) string {
	host, _, err := net.SplitHostPort(nc.RemoteAddr().String())
	if err != nil {
		return "/" + nc.RemoteAddr().String()
	}
	return "/" + host
}
