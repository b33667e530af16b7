package cluster

import "github.com/twmb/franz-go/pkg/kerr"

const opAllocateProducerIDs = "allocateProducerIds"

// MaxProducerIDBlock bounds one AllocateProducerIDs, so that a bad request
// cannot exhaust the id space.
const MaxProducerIDBlock = 1 << 20

// AllocateProducerIDs reserves a block of idempotent producer ids for a
// broker (Kafka's AllocateProducerIds, KIP-730): the ids in [First,
// First+Count) of the result are handed out by that broker alone, so ids
// are unique across the cluster and across restarts without a round trip
// to the controller per InitProducerId.
type AllocateProducerIDs struct {
	BrokerID int32 `json:"brokerId"`
	Count    int64 `json:"count"`
}

// ProducerIDBlock is a block of producer ids reserved for one broker.
type ProducerIDBlock struct {
	First int64 `json:"first"`
	Count int64 `json:"count"`
}

func (*AllocateProducerIDs) Op() string { return opAllocateProducerIDs }

func (c *AllocateProducerIDs) apply(s *State) (*Result, error) {
	switch {
	case c.Count < 1 || c.Count > MaxProducerIDBlock:
		return nil, errorf(kerr.InvalidRequest, "a producer id block of %d ids is not between 1 and %d", c.Count, MaxProducerIDBlock)
	case s.Brokers[c.BrokerID] == nil:
		return nil, errorf(kerr.BrokerNotAvailable, "broker %d asked for producer ids but is not registered", c.BrokerID)
	case s.NextProducerID > 1<<62:
		return nil, errorf(kerr.UnknownServerError, "the producer id space is exhausted")
	}
	first := max(s.NextProducerID, 1) // id 0 is never handed out, as before the cluster existed
	s.NextProducerID = first + c.Count
	return &Result{ProducerIDs: &ProducerIDBlock{First: first, Count: c.Count}}, nil
}
