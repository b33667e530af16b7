package cluster

import (
	"net"
	"slices"

	"github.com/twmb/franz-go/pkg/kerr"
)

const (
	opRegisterBroker = "registerBroker"
	opFenceBroker    = "fenceBroker"
	opUnfenceBroker  = "unfenceBroker"
)

// RegisterBroker adds a broker or updates its addresses, rack and
// eligibility. A new broker starts unfenced; re-registering keeps the fenced
// flag (UnfenceBroker clears it).
type RegisterBroker struct {
	Broker Broker `json:"broker"`
}

// FenceBroker marks a broker dead: it leaves every ISR it is not the last
// member of, and its partitions get new leaders from their ISRs.
type FenceBroker struct {
	ID int32 `json:"id"`
}

// UnfenceBroker marks a broker alive again; leaderless partitions it can
// lead (it is their last ISR member, or unclean election is on) elect it.
type UnfenceBroker struct {
	ID int32 `json:"id"`
}

func (*RegisterBroker) Op() string { return opRegisterBroker }
func (*FenceBroker) Op() string    { return opFenceBroker }
func (*UnfenceBroker) Op() string  { return opUnfenceBroker }

func (c *RegisterBroker) apply(s *State) (*Result, error) {
	b := c.Broker
	if b.ID < 0 {
		return nil, errorf(kerr.InvalidRequest, "broker id %d is negative; broker ids are 0 or more", b.ID)
	}
	if _, _, err := net.SplitHostPort(b.KafkaAddr); err != nil {
		return nil, errorf(kerr.InvalidRequest, "broker %d has Kafka address %q, which is not host:port", b.ID, b.KafkaAddr)
	}
	b.Fenced = false
	if old, ok := s.Brokers[b.ID]; ok {
		b.Fenced = old.Fenced
	}
	s.Brokers[b.ID] = &b
	return &Result{}, nil
}

func (c *FenceBroker) apply(s *State) (*Result, error) {
	b, ok := s.Brokers[c.ID]
	if !ok {
		return nil, errorf(kerr.BrokerNotAvailable, "cannot fence broker %d: it is not registered", c.ID)
	}
	b.Fenced = true
	s.forEachPartition(func(t *Topic, _ int32, p *Partition) {
		if !slices.Contains(p.Replicas, c.ID) {
			return
		}
		changePartition(p, func(p *Partition) {
			removeFromISR(p, c.ID)
			electLeader(p, s.alive, t.uncleanElection())
		})
	})
	return &Result{}, nil
}

func (c *UnfenceBroker) apply(s *State) (*Result, error) {
	b, ok := s.Brokers[c.ID]
	if !ok {
		return nil, errorf(kerr.BrokerNotAvailable, "cannot unfence broker %d: it is not registered", c.ID)
	}
	b.Fenced = false
	s.forEachPartition(func(t *Topic, _ int32, p *Partition) {
		if p.Leader != NoLeader || !slices.Contains(p.Replicas, c.ID) {
			return
		}
		changePartition(p, func(p *Partition) { electLeader(p, s.alive, t.uncleanElection()) })
	})
	return &Result{}, nil
}
