package broker

import "github.com/twmb/franz-go/pkg/kmsg"

// DescribeCluster v0-1.
// The live brokers and the controller, from the replicated metadata.

func init() { register(60, 0, 1, false, (*Broker).handleDescribeCluster) }

func (b *Broker) handleDescribeCluster(cx *reqCtx) (kmsg.Response, error) {
	req := cx.req.(*kmsg.DescribeClusterRequest)
	resp := req.ResponseKind().(*kmsg.DescribeClusterResponse)
	resp.ClusterID = b.cfg.ClusterID
	resp.ControllerID = b.ctl.ControllerID()
	resp.ClusterAuthorizedOperations = -2147483648
	for _, mb := range metadataBrokers(b.meta()) {
		br := kmsg.NewDescribeClusterResponseBroker()
		br.NodeID, br.Host, br.Port, br.Rack = mb.NodeID, mb.Host, mb.Port, mb.Rack
		resp.Brokers = append(resp.Brokers, br)
	}
	return resp, nil
}
