package cluster

import (
	"slices"

	"github.com/twmb/franz-go/pkg/kerr"
)

const opReassign = "reassign"

// Reassign starts, replaces or cancels partition reassignments
// (AlterPartitionReassignments, KIP-455). For each partition, Replicas is
// the target replica list, or nil to cancel the reassignment in progress.
//
// A reassignment first adds the new replicas (Replicas = target + original
// not in target, Adding, Removing); the partition leader brings them into
// the ISR through AlterPartition, and the AlterPartition that makes every
// adding replica in sync completes it: Replicas becomes the target, the
// removed replicas leave the ISR, and if the leader was removed the first
// in-sync target replica takes over with a new leader epoch.
type Reassign struct {
	Partitions []ReassignPartition `json:"partitions"`
}

// ReassignPartition is one partition's target.
type ReassignPartition struct {
	TopicPartition
	// Replicas is the target; nil cancels.
	Replicas []int32 `json:"replicas"`
}

func (*Reassign) Op() string { return opReassign }

func (c *Reassign) apply(s *State) (*Result, error) {
	res := &Result{}
	for _, rp := range c.Partitions {
		r := PartitionResult{TopicPartition: rp.TopicPartition}
		p, ok := s.Partition(rp.Topic, rp.Partition)
		switch {
		case !ok:
			r.Err = errorf(kerr.UnknownTopicOrPartition, "partition %s does not exist", rp.TopicPartition)
		case rp.Replicas == nil:
			r.Err = cancelReassignment(s, rp.TopicPartition, p)
		default:
			r.Err = beginReassignment(s, rp.TopicPartition, p, rp.Replicas)
		}
		res.Partitions = append(res.Partitions, r)
	}
	return res, nil
}

func beginReassignment(s *State, tp TopicPartition, p *Partition, target []int32) *Error {
	if err := validReplicaList(s, tp, target); err != nil {
		return err.(*Error)
	}
	original := without(p.Replicas, p.Adding)
	replicas := append(slices.Clone(target), without(original, target)...)
	// A replica dropped from a replaced reassignment leaves the ISR.
	isr := intersect(p.ISR, replicas)
	if len(isr) == 0 {
		return errorf(kerr.InvalidReplicaAssignment, "cannot reassign %s to %v: no replica in sync (ISR %v) would remain", tp, target, p.ISR)
	}
	changePartition(p, func(p *Partition) {
		p.Replicas, p.ISR = replicas, isr
		p.Adding = nilIfEmpty(without(target, original))
		p.Removing = nilIfEmpty(without(original, target))
		maybeCompleteReassignment(s, p)
		electLeader(p, s.alive, false)
	})
	return nil
}

func cancelReassignment(s *State, tp TopicPartition, p *Partition) *Error {
	if !p.Reassigning() {
		return errorf(kerr.NoReassignmentInProgress, "partition %s has no reassignment in progress", tp)
	}
	original := without(p.Replicas, p.Adding)
	isr := intersect(p.ISR, original)
	if len(isr) == 0 {
		return errorf(kerr.InvalidReplicaAssignment, "cannot cancel the reassignment of %s: none of its original replicas (%s) is in sync", tp, joinIDs(original))
	}
	changePartition(p, func(p *Partition) {
		p.Replicas, p.ISR, p.Adding, p.Removing = original, isr, nil, nil
		electLeader(p, s.alive, false)
	})
	return nil
}

// maybeCompleteReassignment finishes p's reassignment once every adding
// replica is in the ISR and some target replica is in sync.
func maybeCompleteReassignment(s *State, p *Partition) {
	if !p.Reassigning() {
		return
	}
	target := p.TargetReplicas()
	isr := intersect(p.ISR, target)
	for _, a := range p.Adding {
		if !p.InISR(a) {
			return
		}
	}
	if len(isr) == 0 {
		return
	}
	p.Replicas, p.ISR, p.Adding, p.Removing = target, isr, nil, nil
	electLeader(p, s.alive, false)
}

// Reassignment is one reassignment in progress, as ListPartitionReassignments
// reports it.
type Reassignment struct {
	TopicPartition
	Replicas []int32 `json:"replicas"`
	Adding   []int32 `json:"adding"`
	Removing []int32 `json:"removing"`
}

// Reassignments lists the reassignments in progress, by topic and
// partition; with filter non-nil only those of the listed partitions.
func (s *State) Reassignments(filter []TopicPartition) []Reassignment {
	var out []Reassignment
	s.forEachPartition(func(t *Topic, i int32, p *Partition) {
		tp := TopicPartition{t.Name, i}
		if !p.Reassigning() || (filter != nil && !slices.Contains(filter, tp)) {
			return
		}
		out = append(out, Reassignment{tp, slices.Clone(p.Replicas), slices.Clone(p.Adding), slices.Clone(p.Removing)})
	})
	return out
}

func nilIfEmpty(s []int32) []int32 {
	if len(s) == 0 {
		return nil
	}
	return s
}
