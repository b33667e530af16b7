package broker

import (
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Produce v3-13.
// Magic v2 record batches only (v3+), stored exactly as sent, compressed or
// not. acks 0 sends no response, 1 and -1 answer once the batch is in the
// log: with a single replica the high watermark is the log end, so -1 waits
// for nothing more. Idempotent batches are deduplicated by the log (a
// retried batch gets its original offsets). Transactional produce is not
// implemented. v13+ names topics by id. Unknown topics are auto-created
// when auto.create.topics.enable is on (by name only).

func init() { register(0, 3, 13, false, (*Broker).handleProduce) }

func (b *Broker) handleProduce(cx *reqCtx) (kmsg.Response, error) {
	req := cx.req.(*kmsg.ProduceRequest)
	resp := req.ResponseKind().(*kmsg.ProduceResponse)
	for _, rt := range req.Topics {
		st := kmsg.NewProduceResponseTopic()
		st.Topic, st.TopicID = rt.Topic, rt.TopicID
		t, terr := b.produceTopic(req, rt)
		for _, rp := range rt.Partitions {
			sp := kmsg.NewProduceResponseTopicPartition()
			sp.Partition = rp.Partition
			err := terr
			if err == nil {
				err = b.producePartition(req, t, rp, &sp)
			}
			if err != nil {
				sp.ErrorCode = errorCode(err)
				msg := err.Error()
				sp.ErrorMessage = &msg
				sp.BaseOffset, sp.LogAppendTime, sp.LogStartOffset = -1, -1, -1
				b.log.Debug("broker: produce refused", "topic", t.nameOr(rt.Topic), "partition", rp.Partition, "err", msg)
			}
			st.Partitions = append(st.Partitions, sp)
		}
		resp.Topics = append(resp.Topics, st)
	}
	if req.Acks == 0 {
		return nil, nil
	}
	return resp, nil
}

func (b *Broker) produceTopic(req *kmsg.ProduceRequest, rt kmsg.ProduceRequestTopic) (*topic, error) {
	switch {
	case req.Acks != 0 && req.Acks != 1 && req.Acks != -1:
		return nil, newTopicError(kerr.InvalidRequiredAcks, "acks %d is not 0, 1 or -1", req.Acks)
	case req.TransactionID != nil:
		return nil, newTopicError(kerr.TransactionalIDAuthorizationFailed, "transactions are not implemented yet; produce without a transactional id")
	case req.Version >= 13:
		if t := b.topics.getID(rt.TopicID); t != nil {
			return t, nil
		}
		return nil, newTopicError(kerr.UnknownTopicID, "no topic has id %x", rt.TopicID)
	case rt.Topic == offsetsTopic:
		return nil, newTopicError(kerr.InvalidTopicException, "%s is internal; clients cannot produce to it", rt.Topic)
	}
	if err := validTopicName(rt.Topic); err != nil {
		return nil, newTopicError(kerr.InvalidTopicException, "%v", err)
	}
	return b.topicOrCreate(rt.Topic, !b.cfg.DisableAutoCreate)
}

func (b *Broker) producePartition(req *kmsg.ProduceRequest, t *topic, rp kmsg.ProduceRequestTopicPartition, sp *kmsg.ProduceResponseTopicPartition) error {
	if rp.Partition < 0 || int(rp.Partition) >= len(t.parts) {
		return newTopicError(kerr.UnknownTopicOrPartition, "topic %s has no partition %d", t.name, rp.Partition)
	}
	if len(rp.Records) == 0 {
		return newTopicError(kerr.CorruptMessage, "produce to %s-%d carries no record batch", t.name, rp.Partition)
	}
	p := t.parts[rp.Partition]
	p.appendMu.Lock()
	res, err := p.log.Append(rp.Records, b.cfg.Now())
	p.appendMu.Unlock()
	if err != nil {
		return err
	}
	b.bell.ring()
	sp.BaseOffset, sp.LogAppendTime, sp.LogStartOffset = res.BaseOffset, res.LogAppendTime, res.StartOffset
	return nil
}

// nameOr is the topic's name, or fallback for a topic that was not found.
func (t *topic) nameOr(fallback string) string {
	if t == nil {
		return fallback
	}
	return t.name
}
