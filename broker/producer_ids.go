package broker

import (
	"context"
	"sync"

	"github.com/spate-io/spate/broker/cluster"
)

// producerIDBlock is how many producer ids a broker reserves at a time.
const producerIDBlock = 1000

// producerIDs hands out idempotent producer ids from blocks the
// controller reserves for this broker (AllocateProducerIDs), so they are
// unique in the cluster and across restarts.
type producerIDs struct {
	b         *Broker
	mu        sync.Mutex
	next, end int64
}

func (p *producerIDs) get(ctx context.Context) (int64, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.next >= p.end {
		res, err := p.b.ctl.Apply(ctx, &cluster.AllocateProducerIDs{BrokerID: p.b.cfg.NodeID, Count: producerIDBlock})
		if err != nil {
			return 0, err
		}
		p.next, p.end = res.ProducerIDs.First, res.ProducerIDs.First+res.ProducerIDs.Count
	}
	id := p.next
	p.next++
	return id, nil
}
