package broker

import (
	"context"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// InitProducerId v0-5.
// Hands out idempotent producer ids, unique in the cluster and across
// restarts (blocks reserved through the controller). v3+ a producer that
// names its id and epoch (KIP-360, after an error) gets the same id with
// the next epoch. Transactional ids are not implemented yet.

func init() { register(22, 0, 5, true, (*Broker).handleInitProducerID) }

func (b *Broker) handleInitProducerID(cx *reqCtx) (kmsg.Response, error) {
	req := cx.req.(*kmsg.InitProducerIDRequest)
	resp := req.ResponseKind().(*kmsg.InitProducerIDResponse)
	resp.ProducerID, resp.ProducerEpoch = -1, -1
	if req.TransactionalID != nil {
		resp.ErrorCode = kerr.TransactionalIDAuthorizationFailed.Code
		return resp, nil
	}
	if req.ProducerID >= 0 && req.ProducerEpoch >= 0 && req.ProducerEpoch < 32767 {
		resp.ProducerID, resp.ProducerEpoch = req.ProducerID, req.ProducerEpoch+1
		return resp, nil
	}
	ctx, cancel := context.WithTimeout(cx.ctx, 10*time.Second)
	defer cancel()
	id, err := b.pids.get(ctx)
	if err != nil {
		resp.ErrorCode = errorCode(err)
		return resp, nil
	}
	resp.ProducerID, resp.ProducerEpoch = id, 0
	return resp, nil
}
