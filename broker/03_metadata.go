package broker

import (
	"errors"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Metadata v0-13.
// One broker leads every partition (leader epoch 0). A nil topic list (v1+)
// or an empty one (v0) asks for all topics. Unknown topics are created when
// auto.create.topics.enable is on and the request allows it (v4+), else
// answered UNKNOWN_TOPIC_OR_PARTITION. v10+ carries topic ids; v12+ may ask
// by id.

func init() { register(3, 0, 13, false, (*Broker).handleMetadata) }

func (b *Broker) handleMetadata(cx *reqCtx) (kmsg.Response, error) {
	req := cx.req.(*kmsg.MetadataRequest)
	resp := req.ResponseKind().(*kmsg.MetadataResponse)
	host, port := b.advertised()
	br := kmsg.NewMetadataResponseBroker()
	br.NodeID, br.Host, br.Port = b.cfg.NodeID, host, port
	resp.Brokers = []kmsg.MetadataResponseBroker{br}
	resp.ClusterID = &b.cfg.ClusterID
	resp.ControllerID = b.cfg.NodeID

	all := req.Topics == nil || (req.Version == 0 && len(req.Topics) == 0)
	if all {
		for _, t := range b.topics.all() {
			resp.Topics = append(resp.Topics, b.topicMetadata(t))
		}
		return resp, nil
	}
	autoCreate := !b.cfg.DisableAutoCreate && (req.Version < 4 || req.AllowAutoTopicCreation)
	for _, rt := range req.Topics {
		resp.Topics = append(resp.Topics, b.requestedTopicMetadata(rt, autoCreate))
	}
	return resp, nil
}

func (b *Broker) requestedTopicMetadata(rt kmsg.MetadataRequestTopic, autoCreate bool) kmsg.MetadataResponseTopic {
	if rt.Topic == nil {
		if t := b.topics.getID(rt.TopicID); t != nil {
			return b.topicMetadata(t)
		}
		mt := kmsg.NewMetadataResponseTopic()
		mt.TopicID = rt.TopicID
		mt.ErrorCode = kerr.UnknownTopicID.Code
		return mt
	}
	name := *rt.Topic
	t, err := b.topicOrCreate(name, autoCreate)
	if err != nil {
		mt := kmsg.NewMetadataResponseTopic()
		mt.Topic = &name
		mt.ErrorCode = errorCode(err)
		return mt
	}
	return b.topicMetadata(t)
}

// topicOrCreate returns the topic, creating it with the default partition
// count when autoCreate allows.
func (b *Broker) topicOrCreate(name string, autoCreate bool) (*topic, error) {
	if t := b.topics.get(name); t != nil {
		return t, nil
	}
	if !autoCreate {
		return nil, newTopicError(kerr.UnknownTopicOrPartition, "topic %s does not exist", name)
	}
	t, err := b.topics.create(name, b.cfg.DefaultPartitions, nil, false)
	var te *topicError
	if errors.As(err, &te) && te.code == kerr.TopicAlreadyExists {
		return b.topics.get(name), nil // created concurrently
	}
	if err == nil {
		b.log.Info("broker: auto-created topic", "topic", name, "partitions", b.cfg.DefaultPartitions)
	}
	return t, err
}

func (b *Broker) topicMetadata(t *topic) kmsg.MetadataResponseTopic {
	mt := kmsg.NewMetadataResponseTopic()
	name := t.name
	mt.Topic = &name
	mt.TopicID = t.id
	mt.IsInternal = t.name == offsetsTopic
	for _, p := range t.parts {
		mp := kmsg.NewMetadataResponseTopicPartition()
		mp.Partition = p.index
		mp.Leader = b.cfg.NodeID
		mp.LeaderEpoch = 0
		mp.Replicas = []int32{b.cfg.NodeID}
		mp.ISR = []int32{b.cfg.NodeID}
		mt.Partitions = append(mt.Partitions, mp)
	}
	return mt
}

// errorCode is the Kafka error code for err: a *kerr.Error or a
// *topicError carries its own; anything else is UNKNOWN_SERVER_ERROR.
func errorCode(err error) int16 {
	if err == nil {
		return 0
	}
	var te *topicError
	if errors.As(err, &te) {
		return te.code.Code
	}
	var ke *kerr.Error
	if errors.As(err, &ke) {
		return ke.Code
	}
	if errors.Is(err, errOffsetOutOfRange) {
		return kerr.OffsetOutOfRange.Code
	}
	return kerr.UnknownServerError.Code
}
