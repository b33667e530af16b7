package broker

import (
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// CreateTopics v0-7.
// NumPartitions -1 takes the broker default; ReplicationFactor must be -1
// or 1 on a single node; a manual ReplicaAssignment may only name this
// node. ValidateOnly (v1+) checks without creating. v5+ echoes the
// partition count, replication factor and effective configs; v7 the id.

func init() { register(19, 0, 7, false, (*Broker).handleCreateTopics) }

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
			var t *topic
			t, err = b.createTopic(rt, req.ValidateOnly)
			if t != nil {
				st.TopicID = t.id
				st.NumPartitions, st.ReplicationFactor = int32(len(t.parts)), 1
				st.Configs = createdConfigs(b.cfg.topicConfigDefaults(), t.configs)
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

func (b *Broker) createTopic(rt kmsg.CreateTopicsRequestTopic, validateOnly bool) (*topic, error) {
	parts := rt.NumPartitions
	if len(rt.ReplicaAssignment) > 0 {
		if parts != -1 || rt.ReplicationFactor != -1 {
			return nil, newTopicError(kerr.InvalidRequest, "topic %s: give either a replica assignment or NumPartitions and ReplicationFactor, not both", rt.Topic)
		}
		for _, a := range rt.ReplicaAssignment {
			if len(a.Replicas) != 1 || a.Replicas[0] != b.cfg.NodeID {
				return nil, newTopicError(kerr.InvalidReplicaAssignment, "topic %s: partition %d is assigned to %v, but the only broker is %d", rt.Topic, a.Partition, a.Replicas, b.cfg.NodeID)
			}
		}
		parts = int32(len(rt.ReplicaAssignment))
	}
	if parts == -1 {
		parts = b.cfg.DefaultPartitions
	}
	if rt.ReplicationFactor != -1 && rt.ReplicationFactor != 1 && len(rt.ReplicaAssignment) == 0 {
		return nil, newTopicError(kerr.InvalidReplicationFactor, "topic %s: replication factor %d is more than the 1 broker available", rt.Topic, rt.ReplicationFactor)
	}
	var configs map[string]string
	for _, c := range rt.Configs {
		if err := validateTopicConfig(c.Name, c.Value); err != nil {
			return nil, newTopicError(kerr.InvalidConfig, "topic %s: %v", rt.Topic, err)
		}
		if configs == nil {
			configs = map[string]string{}
		}
		configs[c.Name] = *c.Value
	}
	t, err := b.topics.create(rt.Topic, parts, configs, validateOnly)
	if err == nil && validateOnly {
		t = &topic{name: rt.Topic, parts: make([]*partition, parts), configs: configs}
	}
	return t, err
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
