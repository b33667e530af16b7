package broker

import (
	"github.com/spate-io/spate/broker/cluster"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// CreatePartitions v0-3.
// Raises a topic's partition count; the new partitions are assigned like
// the first ones unless Assignment lists their replicas. ValidateOnly
// checks without creating. __consumer_offsets cannot grow (groups would
// move to other partitions and lose their offsets).

func init() { register(37, 0, 3, true, (*Broker).handleCreatePartitions) }

func (b *Broker) handleCreatePartitions(cx *reqCtx) (kmsg.Response, error) {
	req := cx.req.(*kmsg.CreatePartitionsRequest)
	resp := req.ResponseKind().(*kmsg.CreatePartitionsResponse)
	for _, rt := range req.Topics {
		st := kmsg.NewCreatePartitionsResponseTopic()
		st.Topic = rt.Topic
		cmd := &cluster.CreatePartitions{Topic: rt.Topic, Count: rt.Count}
		for _, a := range rt.Assignment {
			cmd.Assignment = append(cmd.Assignment, a.Replicas)
		}
		var err error
		switch {
		case rt.Topic == offsetsTopic:
			err = newTopicError(kerr.InvalidRequest, "the internal topic %s cannot grow: groups would lose their committed offsets", rt.Topic)
		case req.ValidateOnly:
			_, err = b.meta().Clone().Apply(cmd)
		default:
			_, err = b.apply(cx.ctx, cmd)
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
