package broker

import (
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// DeleteTopics v0-6.
// Deletes the topic and its partition folders; v6+ may name topics by id.
// The internal __consumer_offsets topic cannot be deleted.

func init() { register(20, 0, 6, false, (*Broker).handleDeleteTopics) }

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
			if t := b.topics.get(*rt.Topic); t != nil {
				st.TopicID = t.id
			}
			err = b.topics.delete(*rt.Topic)
		default:
			if t := b.topics.getID(rt.TopicID); t == nil {
				err = newTopicError(kerr.UnknownTopicID, "no topic has id %x", rt.TopicID)
			} else {
				name := t.name
				st.Topic = &name
				err = b.topics.delete(name)
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

func derefString(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
