package broker

import (
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// FindCoordinator v0-5.
// This broker coordinates every group. Transaction coordinators (key type 1)
// are not implemented yet and answer COORDINATOR_NOT_AVAILABLE. v4+ batches
// keys.

func init() { register(10, 0, 5, false, (*Broker).handleFindCoordinator) }

func (b *Broker) handleFindCoordinator(cx *reqCtx) (kmsg.Response, error) {
	req := cx.req.(*kmsg.FindCoordinatorRequest)
	resp := req.ResponseKind().(*kmsg.FindCoordinatorResponse)
	host, port := b.advertised()
	answer := func(key string) kmsg.FindCoordinatorResponseCoordinator {
		c := kmsg.NewFindCoordinatorResponseCoordinator()
		c.Key, c.NodeID, c.Host, c.Port = key, b.cfg.NodeID, host, port
		switch {
		case req.CoordinatorType != 0:
			c.ErrorCode = kerr.CoordinatorNotAvailable.Code
			msg := "broker: transactions are not implemented yet, so there is no transaction coordinator"
			c.ErrorMessage = &msg
			c.NodeID, c.Host, c.Port = -1, "", -1
		case key == "":
			c.ErrorCode = kerr.InvalidGroupID.Code
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
