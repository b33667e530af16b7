package broker

import (
	"context"
	"errors"
	"time"

	"github.com/spate-io/spate/broker/cluster"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Produce v3-13.
// Magic v2 record batches only (v3+), stored exactly as sent, compressed or
// not, by the partition's leader (others answer NOT_LEADER_OR_FOLLOWER).
// acks 0 sends no response, 1 answers once the batch is in the leader's
// log, -1 once the high watermark passed it (every in-sync replica has
// it) or TimeoutMillis ran out (REQUEST_TIMED_OUT). acks=-1 is refused
// with NOT_ENOUGH_REPLICAS while the ISR is smaller than
// min.insync.replicas. The appends happen in request order; only the
// wait for replication runs beside later requests. Idempotent batches are
// deduplicated by the log (a retried batch gets its original offsets).
// Transactional produce is not implemented. v13+ names topics by id.
// Unknown topics are auto-created when auto.create.topics.enable is on.

func init() { register(0, 3, 13, false, (*Broker).handleProduce) }

// pendingAck is an acks=-1 partition write waiting for replication.
type pendingAck struct {
	topic, part int // indices into the response
	p           *partition
	epoch       int32
	end         int64
}

func (b *Broker) handleProduce(cx *reqCtx) (kmsg.Response, error) {
	req := cx.req.(*kmsg.ProduceRequest)
	resp := req.ResponseKind().(*kmsg.ProduceResponse)
	var waits []pendingAck
	for ti, rt := range req.Topics {
		st := kmsg.NewProduceResponseTopic()
		st.Topic, st.TopicID = rt.Topic, rt.TopicID
		t, terr := b.produceTopic(cx.ctx, req, rt)
		for pi, rp := range rt.Partitions {
			sp := kmsg.NewProduceResponseTopicPartition()
			sp.Partition = rp.Partition
			err := terr
			if err == nil {
				var w *pendingAck
				w, err = b.producePartition(req, t, rp, &sp)
				if w != nil {
					w.topic, w.part = ti, pi
					waits = append(waits, *w)
				}
			}
			if err != nil {
				refuseProduce(&sp, err)
				b.log.Debug("broker: produce refused", "topic", topicName(t, rt.Topic), "partition", rp.Partition, "err", err)
			}
			st.Partitions = append(st.Partitions, sp)
		}
		resp.Topics = append(resp.Topics, st)
	}
	switch {
	case req.Acks == 0:
		return nil, nil
	case len(waits) > 0:
		cx.then = func() (kmsg.Response, error) {
			b.waitAcks(cx.ctx, time.Duration(req.TimeoutMillis)*time.Millisecond, resp, waits)
			return resp, nil
		}
		return nil, nil
	}
	return resp, nil
}

func refuseProduce(sp *kmsg.ProduceResponseTopicPartition, err error) {
	sp.ErrorCode = errorCode(err)
	msg := err.Error()
	sp.ErrorMessage = &msg
	sp.BaseOffset, sp.LogAppendTime, sp.LogStartOffset = -1, -1, -1
}

// waitAcks waits for every acks=-1 write to be committed, within timeout.
func (b *Broker) waitAcks(ctx context.Context, timeout time.Duration, resp *kmsg.ProduceResponse, waits []pendingAck) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for _, w := range waits {
		err := w.p.waitCommitted(ctx, w.epoch, w.end)
		if errors.Is(err, context.DeadlineExceeded) {
			err = newTopicError(kerr.RequestTimedOut, "partition %s: the write was not replicated to every in-sync replica within %v", w.p.tp, timeout)
		}
		if err != nil {
			refuseProduce(&resp.Topics[w.topic].Partitions[w.part], err)
		}
	}
}

func topicName(t *cluster.Topic, fallback string) string {
	if t == nil {
		return fallback
	}
	return t.Name
}

func (b *Broker) produceTopic(ctx context.Context, req *kmsg.ProduceRequest, rt kmsg.ProduceRequestTopic) (*cluster.Topic, error) {
	switch {
	case req.Acks != 0 && req.Acks != 1 && req.Acks != -1:
		return nil, newTopicError(kerr.InvalidRequiredAcks, "acks %d is not 0, 1 or -1", req.Acks)
	case req.TransactionID != nil:
		return nil, newTopicError(kerr.TransactionalIDAuthorizationFailed, "transactions are not implemented yet; produce without a transactional id")
	case req.Version >= 13:
		if t, ok := b.meta().TopicByID(cluster.TopicID(rt.TopicID)); ok {
			return t, nil
		}
		return nil, newTopicError(kerr.UnknownTopicID, "no topic has id %x", rt.TopicID)
	case rt.Topic == offsetsTopic:
		return nil, newTopicError(kerr.InvalidTopicException, "%s is internal; clients cannot produce to it", rt.Topic)
	}
	if err := validTopicName(rt.Topic); err != nil {
		return nil, newTopicError(kerr.InvalidTopicException, "%v", err)
	}
	return b.topicOrCreate(ctx, rt.Topic, !b.cfg.DisableAutoCreate)
}

// producePartition appends one partition's batches as its leader; for
// acks=-1 it returns what to wait for.
func (b *Broker) producePartition(req *kmsg.ProduceRequest, t *cluster.Topic, rp kmsg.ProduceRequestTopicPartition, sp *kmsg.ProduceResponseTopicPartition) (*pendingAck, error) {
	if len(rp.Records) == 0 {
		return nil, newTopicError(kerr.CorruptMessage, "produce to %s-%d carries no record batch", t.Name, rp.Partition)
	}
	p, err := b.leaderOf(t, rp.Partition, -1)
	if err != nil {
		return nil, err
	}
	res, epoch, err := p.appendAsLeader(rp.Records, req.Acks)
	if err != nil {
		return nil, err
	}
	sp.BaseOffset, sp.LogAppendTime, sp.LogStartOffset = res.BaseOffset, res.LogAppendTime, res.LogStartOffset
	if req.Acks != -1 {
		return nil, nil
	}
	return &pendingAck{p: p, epoch: epoch, end: res.LastOffset + 1}, nil
}
