package broker

import (
	"context"

	"github.com/spate-io/spate/broker/cluster"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// CreateTopics v0-7.
// NumPartitions and ReplicationFactor -1 take the broker defaults
// (num.partitions, default.replication.factor); replicas are spread over
// the live brokers as Kafka does (rack-aware round robin), and a
// replication factor above the live broker count is refused with
// INVALID_REPLICATION_FACTOR. A manual ReplicaAssignment must name
// registered brokers. ValidateOnly (v1+) checks without creating. v5+
// echoes the partition count, replication factor and effective configs;
// v7 the id.

func init() { register(19, 0, 7, true, (*Broker).handleCreateTopics) }

func (b *Broker) handleCreateTopics(cx *reqCtx) (kmsg.Response, error) {
	req := cx.req.(*kmsg.CreateTopicsRequest)
	resp := req.ResponseKind().(*kmsg.CreateTopicsResponse)
	seen := map[string]int{}
	for _, rt := range req.Topics {
		seen[rt.Topic]++
	}
	for _, rt := range req.Topics {
		st := kmsg.NewCreateTopicsResponseTopic()
		st.Topic = rt.Topic
		st.NumPartitions, st.ReplicationFactor = -1, -1
		var err error
		if seen[rt.Topic] > 1 {
			err = newTopicError(kerr.InvalidRequest, "topic %s is named more than once in one CreateTopics request", rt.Topic)
		} else {
			var t *cluster.Topic
			t, err = b.createRequestedTopic(cx.ctx, rt, req.ValidateOnly)
			if t != nil {
				st.TopicID = t.ID
				st.NumPartitions, st.ReplicationFactor = int32(len(t.Partitions)), int16(len(t.Partitions[0].Replicas))
				st.Configs = createdConfigs(b.cfg.topicConfigDefaults(), t.Configs)
			}
		}
		st.ErrorCode = errorCode(err)
		if err != nil {
			msg := err.Error()
			st.ErrorMessage = &msg
			b.log.Info("broker: CreateTopics refused", "topic", rt.Topic, "err", msg)
		}
		resp.Topics = append(resp.Topics, st)
	}
	return resp, nil
}

func (b *Broker) createRequestedTopic(ctx context.Context, rt kmsg.CreateTopicsRequestTopic, validateOnly bool) (*cluster.Topic, error) {
	cmd := &cluster.CreateTopic{Name: rt.Topic, Partitions: rt.NumPartitions, ReplicationFactor: rt.ReplicationFactor}
	if len(rt.ReplicaAssignment) > 0 {
		if rt.NumPartitions != -1 || rt.ReplicationFactor != -1 {
			return nil, newTopicError(kerr.InvalidRequest, "topic %s: give either a replica assignment or NumPartitions and ReplicationFactor, not both", rt.Topic)
		}
		cmd.Assignment = make([][]int32, len(rt.ReplicaAssignment))
		for _, a := range rt.ReplicaAssignment {
			if a.Partition < 0 || int(a.Partition) >= len(rt.ReplicaAssignment) || cmd.Assignment[a.Partition] != nil {
				return nil, newTopicError(kerr.InvalidReplicaAssignment, "topic %s: the assignment must list partitions 0 to %d once each", rt.Topic, len(rt.ReplicaAssignment)-1)
			}
			cmd.Assignment[a.Partition] = a.Replicas
		}
		cmd.Partitions, cmd.ReplicationFactor = 0, 0
	}
	if cmd.Partitions == -1 {
		cmd.Partitions = b.cfg.DefaultPartitions
	}
	if cmd.ReplicationFactor == -1 {
		cmd.ReplicationFactor = b.cfg.DefaultReplicationFactor
	}
	for _, c := range rt.Configs {
		if err := validateTopicConfig(c.Name, c.Value); err != nil {
			return nil, newTopicError(kerr.InvalidConfig, "topic %s: %v", rt.Topic, err)
		}
		if cmd.Configs == nil {
			cmd.Configs = map[string]string{}
		}
		cmd.Configs[c.Name] = *c.Value
	}
	return b.createTopic(ctx, cmd, validateOnly)
}

func createdConfigs(defaults, overrides map[string]string) []kmsg.CreateTopicsResponseTopicConfig {
	var out []kmsg.CreateTopicsResponseTopicConfig
	for _, name := range sortedKeys(defaults) {
		c := kmsg.NewCreateTopicsResponseTopicConfig()
		c.Name = name
		v, src := defaults[name], kmsg.ConfigSourceDefaultConfig
		if o, ok := overrides[name]; ok {
			v, src = o, kmsg.ConfigSourceDynamicTopicConfig
		}
		c.Value, c.Source = &v, int8(src)
		out = append(out, c)
	}
	return out
}
