package broker

import (
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// CreatePartitions v0-3.
// Raises a topic's partition count; a manual assignment may only name this
// node. ValidateOnly checks without creating.

func init() { register(37, 0, 3, false, (*Broker).handleCreatePartitions) }

func (b *Broker) handleCreatePartitions(cx *reqCtx) (kmsg.Response, error) {
	req := cx.req.(*kmsg.CreatePartitionsRequest)
	resp := req.ResponseKind().(*kmsg.CreatePartitionsResponse)
	for _, rt := range req.Topics {
		st := kmsg.NewCreatePartitionsResponseTopic()
		st.Topic = rt.Topic
		var err error
		for _, a := range rt.Assignment {
			if len(a.Replicas) != 1 || a.Replicas[0] != b.cfg.NodeID {
				err = newTopicError(kerr.InvalidReplicaAssignment, "topic %s: new partitions assigned to %v, but the only broker is %d", rt.Topic, a.Replicas, b.cfg.NodeID)
			}
		}
		if err == nil {
			err = b.topics.grow(rt.Topic, rt.Count, req.ValidateOnly)
		}
		st.ErrorCode = errorCode(err)
		if err != nil {
			msg := err.Error()
			st.ErrorMessage = &msg
		}
		resp.Topics = append(resp.Topics, st)
	}
	return resp, nil
}
