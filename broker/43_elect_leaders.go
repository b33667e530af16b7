package broker

import (
	"github.com/spate-io/spate/broker/cluster"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// ElectLeaders v0-2.
// Preferred (type 0) moves each partition's leadership to its preferred
// (first) replica when that one is alive and in sync; unclean (type 1,
// v1+) elects a leader for leaderless partitions from outside the ISR.
// A nil topic list elects for every partition and reports those that
// changed. The controller decides; any broker forwards.

func init() { register(43, 0, 2, true, (*Broker).handleElectLeaders) }

func (b *Broker) handleElectLeaders(cx *reqCtx) (kmsg.Response, error) {
	req := cx.req.(*kmsg.ElectLeadersRequest)
	resp := req.ResponseKind().(*kmsg.ElectLeadersResponse)
	cmd := &cluster.ElectLeaders{Type: cluster.ElectionType(req.ElectionType)}
	if req.Version == 0 {
		cmd.Type = cluster.ElectPreferred
	}
	if req.Topics != nil {
		cmd.Partitions = []cluster.TopicPartition{}
		for _, rt := range req.Topics {
			for _, p := range rt.Partitions {
				cmd.Partitions = append(cmd.Partitions, cluster.TopicPartition{Topic: rt.Topic, Partition: p})
			}
		}
	}
	res, err := b.apply(cx.ctx, cmd)
	if err != nil {
		resp.ErrorCode = errorCode(err)
		if req.Version == 0 { // no top-level error code: report it per partition
			for _, tp := range cmd.Partitions {
				appendElectResult(resp, tp, &cluster.Error{Code: resp.ErrorCode, Message: err.Error()})
			}
		}
		return resp, nil
	}
	for _, r := range res.Partitions {
		appendElectResult(resp, r.TopicPartition, r.Err)
	}
	return resp, nil
}

func appendElectResult(resp *kmsg.ElectLeadersResponse, tp cluster.TopicPartition, e *cluster.Error) {
	sp := kmsg.NewElectLeadersResponseTopicPartition()
	sp.Partition = tp.Partition
	if e != nil {
		sp.ErrorCode = e.Code
		msg := e.Message
		sp.ErrorMessage = &msg
	}
	for i := range resp.Topics {
		if resp.Topics[i].Topic == tp.Topic {
			resp.Topics[i].Partitions = append(resp.Topics[i].Partitions, sp)
			return
		}
	}
	st := kmsg.NewElectLeadersResponseTopic()
	st.Topic = tp.Topic
	st.Partitions = []kmsg.ElectLeadersResponseTopicPartition{sp}
	resp.Topics = append(resp.Topics, st)
}
