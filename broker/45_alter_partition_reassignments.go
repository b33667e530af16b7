package broker

import (
	"github.com/spate-io/spate/broker/cluster"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// AlterPartitionReassignments v0-0.
// Starts, replaces or (with null replicas) cancels partition reassignments
// (KIP-455): the new replicas are added and catch up as followers; when
// they are all in sync the partition drops the replicas it is moving off
// (and moves its leadership if the leader is one of them). Any broker
// forwards to the controller.

func init() { register(45, 0, 0, true, (*Broker).handleAlterPartitionReassignments) }

func (b *Broker) handleAlterPartitionReassignments(cx *reqCtx) (kmsg.Response, error) {
	req := cx.req.(*kmsg.AlterPartitionAssignmentsRequest)
	resp := req.ResponseKind().(*kmsg.AlterPartitionAssignmentsResponse)
	cmd := &cluster.Reassign{}
	for _, rt := range req.Topics {
		for _, rp := range rt.Partitions {
			cmd.Partitions = append(cmd.Partitions, cluster.ReassignPartition{TopicPartition: cluster.TopicPartition{Topic: rt.Topic, Partition: rp.Partition}, Replicas: rp.Replicas})
		}
	}
	res, err := b.apply(cx.ctx, cmd)
	if err != nil {
		resp.ErrorCode = errorCode(err)
		msg := err.Error()
		resp.ErrorMessage = &msg
		return resp, nil
	}
	for _, r := range res.Partitions {
		sp := kmsg.NewAlterPartitionAssignmentsResponseTopicPartition()
		sp.Partition = r.Partition
		if r.Err != nil {
			sp.ErrorCode = r.Err.Code
			msg := r.Err.Message
			sp.ErrorMessage = &msg
		}
		if n := len(resp.Topics); n > 0 && resp.Topics[n-1].Topic == r.Topic {
			resp.Topics[n-1].Partitions = append(resp.Topics[n-1].Partitions, sp)
			continue
		}
		st := kmsg.NewAlterPartitionAssignmentsResponseTopic()
		st.Topic, st.Partitions = r.Topic, []kmsg.AlterPartitionAssignmentsResponseTopicPartition{sp}
		resp.Topics = append(resp.Topics, st)
	}
	return resp, nil
}
