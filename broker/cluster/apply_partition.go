package cluster

import (
	"slices"

	"github.com/twmb/franz-go/pkg/kerr"
)

const (
	opAlterPartition = "alterPartition"
	opElectLeaders   = "electLeaders"
)

// AlterPartition is a partition leader's request to change its ISR (Kafka's
// AlterPartition, KIP-497). It is accepted only from the current leader in
// the current leader epoch and only if PartitionEpoch is the partition's
// current one, so a change computed from stale metadata is refused with
// INVALID_UPDATE_VERSION and the leader retries with fresh metadata.
type AlterPartition struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	// BrokerID is the leader sending the request.
	BrokerID       int32   `json:"brokerId"`
	LeaderEpoch    int32   `json:"leaderEpoch"`
	PartitionEpoch int32   `json:"partitionEpoch"`
	ISR            []int32 `json:"isr"`
}

// ElectionType is the kind of leader election ElectLeaders runs (Kafka's
// ElectionType).
type ElectionType int8

const (
	// ElectPreferred moves leadership to the preferred (first) replica if
	// it is alive and in the ISR.
	ElectPreferred ElectionType = 0
	// ElectUnclean elects a leader for leaderless partitions, from outside
	// the ISR if need be.
	ElectUnclean ElectionType = 1
)

// ElectLeaders runs elections for the listed partitions, or for every
// partition when Partitions is nil (then only partitions that changed are
// reported).
type ElectLeaders struct {
	Type       ElectionType     `json:"type"`
	Partitions []TopicPartition `json:"partitions,omitempty"`
}

func (*AlterPartition) Op() string { return opAlterPartition }
func (*ElectLeaders) Op() string   { return opElectLeaders }

func (c *AlterPartition) apply(s *State) (*Result, error) {
	tp := TopicPartition{c.Topic, c.Partition}
	p, ok := s.Partition(c.Topic, c.Partition)
	if !ok {
		return nil, errorf(kerr.UnknownTopicOrPartition, "partition %s does not exist", tp)
	}
	switch {
	case c.BrokerID != p.Leader:
		return nil, errorf(kerr.NotLeaderForPartition, "broker %d asked to change the ISR of %s but the leader is %d", c.BrokerID, tp, p.Leader)
	case c.LeaderEpoch != p.LeaderEpoch:
		return nil, errorf(kerr.FencedLeaderEpoch, "ISR change of %s is for leader epoch %d; the current epoch is %d", tp, c.LeaderEpoch, p.LeaderEpoch)
	case c.PartitionEpoch != p.PartitionEpoch:
		return nil, errorf(kerr.InvalidUpdateVersion, "ISR change of %s is for partition epoch %d; the current epoch is %d (refresh metadata and retry)", tp, c.PartitionEpoch, p.PartitionEpoch)
	}
	if err := validISR(s, tp, p, c.ISR); err != nil {
		return nil, err
	}
	changePartition(p, func(p *Partition) {
		p.ISR = slices.Clone(c.ISR)
		maybeCompleteReassignment(s, p)
	})
	return &Result{Partition: p.Clone()}, nil
}

// validISR checks a proposed ISR: non-empty, no duplicates, replicas only,
// the leader included, and no fenced broker joining (KIP-841).
func validISR(s *State, tp TopicPartition, p *Partition, isr []int32) error {
	switch {
	case len(isr) == 0:
		return errorf(kerr.InvalidRequest, "ISR change of %s proposes an empty ISR", tp)
	case hasDuplicates(isr):
		return errorf(kerr.InvalidRequest, "ISR change of %s lists a broker twice (%v)", tp, isr)
	case !slices.Contains(isr, p.Leader):
		return errorf(kerr.InvalidRequest, "ISR change of %s leaves out the leader %d", tp, p.Leader)
	}
	for _, id := range isr {
		if !slices.Contains(p.Replicas, id) {
			return errorf(kerr.InvalidRequest, "ISR change of %s adds broker %d, which is not a replica (%v)", tp, id, p.Replicas)
		}
		if !p.InISR(id) && !s.alive(id) {
			return errorf(kerr.IneligibleReplica, "ISR change of %s adds broker %d, which is fenced", tp, id)
		}
	}
	return nil
}

func (c *ElectLeaders) apply(s *State) (*Result, error) {
	if c.Type != ElectPreferred && c.Type != ElectUnclean {
		return nil, errorf(kerr.InvalidRequest, "unknown election type %d (0 preferred, 1 unclean)", c.Type)
	}
	res := &Result{}
	if c.Partitions == nil {
		s.forEachPartition(func(t *Topic, i int32, p *Partition) {
			if elect(s, TopicPartition{t.Name, i}, p, c.Type) == nil {
				res.Partitions = append(res.Partitions, PartitionResult{TopicPartition: TopicPartition{t.Name, i}})
			}
		})
		return res, nil
	}
	for _, tp := range c.Partitions {
		r := PartitionResult{TopicPartition: tp}
		if p, ok := s.Partition(tp.Topic, tp.Partition); !ok {
			r.Err = errorf(kerr.UnknownTopicOrPartition, "partition %s does not exist", tp)
		} else {
			r.Err = elect(s, tp, p, c.Type)
		}
		res.Partitions = append(res.Partitions, r)
	}
	return res, nil
}

// elect runs one election of the given type on p.
func elect(s *State, tp TopicPartition, p *Partition, typ ElectionType) *Error {
	if typ == ElectUnclean {
		if p.Leader != NoLeader {
			return errorf(kerr.ElectionNotNeeded, "partition %s has a leader (%d); unclean election is for leaderless partitions", tp, p.Leader)
		}
		changePartition(p, func(p *Partition) { electLeader(p, s.alive, true) })
		if p.Leader == NoLeader {
			return errorf(kerr.EligibleLeadersNotAvailable, "partition %s: none of its replicas (%s) is alive", tp, joinIDs(p.Replicas))
		}
		return nil
	}
	pref := p.PreferredLeader()
	switch {
	case p.Leader == pref:
		return errorf(kerr.ElectionNotNeeded, "partition %s: the preferred replica %d already leads", tp, pref)
	case !s.alive(pref) || !p.InISR(pref):
		return errorf(kerr.PreferredLeaderNotAvailable, "partition %s: the preferred replica %d is not alive and in sync (ISR %v)", tp, pref, p.ISR)
	}
	changePartition(p, func(p *Partition) { p.Leader = pref })
	return nil
}
