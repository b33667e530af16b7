package broker

import (
	"context"

	"github.com/spate-io/spate/broker/cluster"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// DeleteTopics v0-6.
// Deletes the topic from the metadata; every replica then deletes its
// partition folders. v6+ may name topics by id. The internal
// __consumer_offsets topic cannot be deleted.

func init() { register(20, 0, 6, true, (*Broker).handleDeleteTopics) }

func (b *Broker) handleDeleteTopics(cx *reqCtx) (kmsg.Response, error) {
	req := cx.req.(*kmsg.DeleteTopicsRequest)
	resp := req.ResponseKind().(*kmsg.DeleteTopicsResponse)
	targets := req.Topics
	for _, n := range req.TopicNames {
		rt := kmsg.NewDeleteTopicsRequestTopic()
		rt.Topic = &n
		targets = append(targets, rt)
	}
	for _, rt := range targets {
		st := kmsg.NewDeleteTopicsResponseTopic()
		st.Topic, st.TopicID = rt.Topic, rt.TopicID
		var err error
		switch {
		case rt.Topic != nil:
			if t, ok := b.meta().Topic(*rt.Topic); ok {
				st.TopicID = t.ID
			}
			err = b.deleteTopic(cx.ctx, *rt.Topic)
		default:
			if t, ok := b.meta().TopicByID(cluster.TopicID(rt.TopicID)); !ok {
				err = newTopicError(kerr.UnknownTopicID, "no topic has id %x", rt.TopicID)
			} else {
				name := t.Name
				st.Topic = &name
				err = b.deleteTopic(cx.ctx, name)
			}
		}
		st.ErrorCode = errorCode(err)
		if err != nil {
			msg := err.Error()
			st.ErrorMessage = &msg
		} else {
			b.log.Info("broker: deleted topic", "topic", derefString(st.Topic))
		}
		resp.Topics = append(resp.Topics, st)
	}
	return resp, nil
}

func (b *Broker) deleteTopic(ctx context.Context, name string) error {
	if name == offsetsTopic {
		return newTopicError(kerr.InvalidTopicException, "the internal topic %s cannot be deleted", name)
	}
	_, err := b.apply(ctx, &cluster.DeleteTopic{Name: name})
	return err
}

func derefString(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
