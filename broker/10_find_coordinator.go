package broker

import (
	"context"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// FindCoordinator v0-5.
// A group's coordinator is the leader of its __consumer_offsets partition
// (abs(hash(group)) % partitions), so it moves with that leader. The topic
// is created on the first request (once offsets.topic.replication.factor
// brokers are alive); a partition without a leader answers
// COORDINATOR_NOT_AVAILABLE. Transaction coordinators (key type 1) are not
// implemented yet and answer COORDINATOR_NOT_AVAILABLE. v4+ batches keys.

func init() { register(10, 0, 5, true, (*Broker).handleFindCoordinator) }

func (b *Broker) handleFindCoordinator(cx *reqCtx) (kmsg.Response, error) {
	req := cx.req.(*kmsg.FindCoordinatorRequest)
	resp := req.ResponseKind().(*kmsg.FindCoordinatorResponse)
	var ensureErr error
	if req.CoordinatorType == 0 {
		ctx, cancel := context.WithTimeout(cx.ctx, 10*time.Second)
		ensureErr = b.ensureOffsetsTopic(ctx)
		cancel()
	}
	answer := func(key string) kmsg.FindCoordinatorResponseCoordinator {
		c := kmsg.NewFindCoordinatorResponseCoordinator()
		c.Key, c.NodeID, c.Port = key, -1, -1
		var msg string
		switch {
		case req.CoordinatorType != 0:
			c.ErrorCode, msg = kerr.CoordinatorNotAvailable.Code, "broker: transactions are not implemented yet, so there is no transaction coordinator"
		case key == "":
			c.ErrorCode = kerr.InvalidGroupID.Code
		case ensureErr != nil:
			c.ErrorCode, msg = kerr.CoordinatorNotAvailable.Code, ensureErr.Error()
		default:
			c.NodeID, c.Host, c.Port, c.ErrorCode, msg = b.coordinatorOf(key)
		}
		if msg != "" {
			c.ErrorMessage = &msg
		}
		return c
	}
	if req.Version >= 4 {
		for _, k := range req.CoordinatorKeys {
			resp.Coordinators = append(resp.Coordinators, answer(k))
		}
		return resp, nil
	}
	c := answer(req.CoordinatorKey)
	resp.ErrorCode, resp.ErrorMessage, resp.NodeID, resp.Host, resp.Port = c.ErrorCode, c.ErrorMessage, c.NodeID, c.Host, c.Port
	return resp, nil
}

// coordinatorOf finds the broker leading group's offsets partition.
func (b *Broker) coordinatorOf(group string) (id int32, host string, port int32, code int16, msg string) {
	s := b.meta()
	t, ok := s.Topic(offsetsTopic)
	if !ok {
		return -1, "", -1, kerr.CoordinatorNotAvailable.Code, "broker: " + offsetsTopic + " does not exist yet"
	}
	idx := offsetsPartition(group, int32(len(t.Partitions)))
	leader := t.Partitions[idx].Leader
	br, ok := s.Brokers[leader]
	if !ok || br.Fenced {
		return -1, "", -1, kerr.CoordinatorNotAvailable.Code, "broker: " + offsetsTopic + " partition of the group has no leader now; retry shortly"
	}
	host, port = splitHostPort(br.KafkaAddr)
	return leader, host, port, 0, ""
}
