package broker

import (
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// DescribeGroups v0-6.
// State, protocol and members (id, client id, host, metadata, assignment).
// A group this broker does not know is described as Dead, as Kafka does;
// one it does not coordinate answers NOT_COORDINATOR.

func init() { register(15, 0, 6, false, (*Broker).handleDescribeGroups) }

func (b *Broker) handleDescribeGroups(cx *reqCtx) (kmsg.Response, error) {
	req := cx.req.(*kmsg.DescribeGroupsRequest)
	resp := req.ResponseKind().(*kmsg.DescribeGroupsResponse)
	for _, id := range req.Groups {
		dg := kmsg.NewDescribeGroupsResponseGroup()
		dg.Group, dg.State, dg.AuthorizedOperations = id, "Dead", -2147483648
		if id == "" {
			dg.ErrorCode = kerr.InvalidGroupID.Code
		}
		code, _ := b.groups.do(id, func(e *groupEntry) {
			d := e.g.Describe()
			dg.State, dg.ProtocolType, dg.Protocol = d.State.String(), d.ProtocolType, d.Protocol
			if dg.ProtocolType == "" && len(e.offsets) > 0 {
				dg.ProtocolType = "consumer"
			}
			for _, m := range d.Members {
				dm := kmsg.NewDescribeGroupsResponseGroupMember()
				dm.MemberID, dm.ClientID, dm.ClientHost = m.MemberID, m.ClientID, m.ClientHost
				dm.ProtocolMetadata, dm.MemberAssignment = m.Metadata, m.Assignment
				dg.Members = append(dg.Members, dm)
			}
		})
		if code != 0 && id != "" {
			dg.ErrorCode = code
		}
		resp.Groups = append(resp.Groups, dg)
	}
	return resp, nil
}
