package broker

import (
	"github.com/spate-io/spate/broker/cluster"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// ListPartitionReassignments v0-0.
// The reassignments in progress (replicas, adding, removing), from the
// replicated metadata; a null topic list asks for all of them.

func init() { register(46, 0, 0, false, (*Broker).handleListPartitionReassignments) }

func (b *Broker) handleListPartitionReassignments(cx *reqCtx) (kmsg.Response, error) {
	req := cx.req.(*kmsg.ListPartitionReassignmentsRequest)
	resp := req.ResponseKind().(*kmsg.ListPartitionReassignmentsResponse)
	var filter []cluster.TopicPartition
	if req.Topics != nil {
		filter = []cluster.TopicPartition{}
		for _, rt := range req.Topics {
			for _, p := range rt.Partitions {
				filter = append(filter, cluster.TopicPartition{Topic: rt.Topic, Partition: p})
			}
		}
	}
	for _, r := range b.meta().Reassignments(filter) {
		sp := kmsg.NewListPartitionReassignmentsResponseTopicPartition()
		sp.Partition, sp.Replicas, sp.AddingReplicas, sp.RemovingReplicas = r.Partition, r.Replicas, r.Adding, r.Removing
		if n := len(resp.Topics); n > 0 && resp.Topics[n-1].Topic == r.Topic {
			resp.Topics[n-1].Partitions = append(resp.Topics[n-1].Partitions, sp)
			continue
		}
		st := kmsg.NewListPartitionReassignmentsResponseTopic()
		st.Topic, st.Partitions = r.Topic, []kmsg.ListPartitionReassignmentsResponseTopicPartition{sp}
		resp.Topics = append(resp.Topics, st)
	}
	return resp, nil
}
