package broker

import (
	"context"
	"errors"
	"slices"

	"github.com/spate-io/spate/broker/cluster"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Metadata v0-13.
// Every broker answers from the replicated metadata: the live brokers,
// and per partition its leader and leader epoch, replicas, ISR and offline
// replicas (fenced brokers). A partition without a leader answers
// LEADER_NOT_AVAILABLE. A nil topic list (v1+) or an empty one (v0) asks
// for all topics. Unknown topics are created when
// auto.create.topics.enable is on and the request allows it (v4+), else
// answered UNKNOWN_TOPIC_OR_PARTITION. v10+ carries topic ids; v12+ may
// ask by id.

func init() { register(3, 0, 13, false, (*Broker).handleMetadata) }

func (b *Broker) handleMetadata(cx *reqCtx) (kmsg.Response, error) {
	req := cx.req.(*kmsg.MetadataRequest)
	resp := req.ResponseKind().(*kmsg.MetadataResponse)
	all := req.Topics == nil || (req.Version == 0 && len(req.Topics) == 0)
	autoCreate := !b.cfg.DisableAutoCreate && (req.Version < 4 || req.AllowAutoTopicCreation)
	var topics []kmsg.MetadataResponseTopic
	if !all {
		for _, rt := range req.Topics {
			topics = append(topics, b.requestedTopicMetadata(cx.ctx, rt, autoCreate))
		}
	}
	s := b.meta() // after any auto-creation
	if all {
		for _, name := range s.TopicNames() {
			topics = append(topics, topicMetadata(s, s.Topics[name]))
		}
	}
	resp.Topics = topics
	resp.Brokers = metadataBrokers(s)
	resp.ClusterID = &b.cfg.ClusterID
	resp.ControllerID = b.ctl.ControllerID()
	return resp, nil
}

// metadataBrokers lists the live brokers.
func metadataBrokers(s *cluster.State) []kmsg.MetadataResponseBroker {
	var out []kmsg.MetadataResponseBroker
	for _, br := range s.LiveBrokers() {
		mb := kmsg.NewMetadataResponseBroker()
		mb.NodeID = br.ID
		mb.Host, mb.Port = splitHostPort(br.KafkaAddr)
		if br.Rack != "" {
			rack := br.Rack
			mb.Rack = &rack
		}
		out = append(out, mb)
	}
	return out
}

func (b *Broker) requestedTopicMetadata(ctx context.Context, rt kmsg.MetadataRequestTopic, autoCreate bool) kmsg.MetadataResponseTopic {
	if rt.Topic == nil {
		s := b.meta()
		if t, ok := s.TopicByID(cluster.TopicID(rt.TopicID)); ok {
			return topicMetadata(s, t)
		}
		mt := kmsg.NewMetadataResponseTopic()
		mt.TopicID = rt.TopicID
		mt.ErrorCode = kerr.UnknownTopicID.Code
		return mt
	}
	name := *rt.Topic
	t, err := b.topicOrCreate(ctx, name, autoCreate)
	if err != nil {
		mt := kmsg.NewMetadataResponseTopic()
		mt.Topic = &name
		mt.ErrorCode = errorCode(err)
		if errors.Is(err, kerr.InvalidReplicationFactor) {
			// Too few brokers to create it yet: a retriable answer.
			mt.ErrorCode = kerr.LeaderNotAvailable.Code
		}
		return mt
	}
	return topicMetadata(b.meta(), t)
}

func topicMetadata(s *cluster.State, t *cluster.Topic) kmsg.MetadataResponseTopic {
	mt := kmsg.NewMetadataResponseTopic()
	name := t.Name
	mt.Topic = &name
	mt.TopicID = t.ID
	mt.IsInternal = t.Name == offsetsTopic
	for i, p := range t.Partitions {
		mp := kmsg.NewMetadataResponseTopicPartition()
		mp.Partition = int32(i)
		mp.Leader, mp.LeaderEpoch = p.Leader, p.LeaderEpoch
		mp.Replicas, mp.ISR = slices.Clone(p.Replicas), slices.Clone(p.ISR)
		for _, r := range p.Replicas {
			if br, ok := s.Brokers[r]; !ok || br.Fenced {
				mp.OfflineReplicas = append(mp.OfflineReplicas, r)
			}
		}
		if p.Leader == cluster.NoLeader {
			mp.ErrorCode = kerr.LeaderNotAvailable.Code
		}
		mt.Partitions = append(mt.Partitions, mp)
	}
	return mt
}

// errorCode is the Kafka error code for err: a *topicError or any error
// wrapping a kerr error (a cluster.Error does) carries its own; anything
// else is UNKNOWN_SERVER_ERROR.
func errorCode(err error) int16 {
	if err == nil {
		return 0
	}
	var te *topicError
	if errors.As(err, &te) {
		return te.code.Code
	}
	return cluster.ErrorCode(err)
}
