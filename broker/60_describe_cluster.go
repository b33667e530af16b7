package broker

import "github.com/twmb/franz-go/pkg/kmsg"

// DescribeCluster v0-1.
// The cluster is this one broker, which is also its controller.

func init() { register(60, 0, 1, false, (*Broker).handleDescribeCluster) }

func (b *Broker) handleDescribeCluster(cx *reqCtx) (kmsg.Response, error) {
	req := cx.req.(*kmsg.DescribeClusterRequest)
	resp := req.ResponseKind().(*kmsg.DescribeClusterResponse)
	host, port := b.advertised()
	resp.ClusterID = b.cfg.ClusterID
	resp.ControllerID = b.cfg.NodeID
	resp.ClusterAuthorizedOperations = -2147483648
	br := kmsg.NewDescribeClusterResponseBroker()
	br.NodeID, br.Host, br.Port = b.cfg.NodeID, host, port
	resp.Brokers = []kmsg.DescribeClusterResponseBroker{br}
	return resp, nil
}
