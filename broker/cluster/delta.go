package cluster

import "slices"

// Role is what a broker is for a partition.
type Role int8

const (
	// RoleNone: not a replica (any more): stop replicating, and delete the
	// partition's log if the partition or its topic is gone.
	RoleNone Role = iota
	// RoleLeader: serve produce and fetch; run a Tracker.
	RoleLeader
	// RoleFollower: fetch from the leader, after truncating to the end
	// offset of the leader epoch (KIP-101/279).
	RoleFollower
)

func (r Role) String() string {
	return [...]string{"none", "leader", "follower"}[r]
}

// PartitionChange is a partition a broker must act on after a metadata
// change.
type PartitionChange struct {
	TopicPartition
	TopicID TopicID
	// Role is the broker's role in the new metadata.
	Role Role
	// Partition is the new state, nil when the partition is gone (its
	// topic was deleted, or recreated under a new id).
	Partition *Partition
}

// Changes lists the partitions that broker is or was a replica of whose
// leader, leader epoch, replicas, ISR or existence differ between old and
// new, in topic and partition order: what the broker's metadata listener
// feeds its replica manager. old may be nil (start-up: everything is new).
// A topic recreated with a new id appears as its old partitions gone, then
// its new ones.
func Changes(old, new *State, broker int32) []PartitionChange {
	if old == nil {
		old = NewState()
	}
	var out []PartitionChange
	names := map[string]bool{}
	for n := range old.Topics {
		names[n] = true
	}
	for n := range new.Topics {
		names[n] = true
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	slices.Sort(sorted)
	for _, name := range sorted {
		ot, nt := old.Topics[name], new.Topics[name]
		if ot == nt {
			continue // shared by publication: unchanged
		}
		if ot != nil && (nt == nil || nt.ID != ot.ID) {
			out = append(out, gone(ot, broker)...)
			ot = nil
		}
		if nt != nil {
			out = append(out, topicChanges(ot, nt, broker)...)
		}
	}
	return out
}

func gone(t *Topic, broker int32) []PartitionChange {
	var out []PartitionChange
	for i, p := range t.Partitions {
		if slices.Contains(p.Replicas, broker) {
			out = append(out, PartitionChange{TopicPartition: TopicPartition{t.Name, int32(i)}, TopicID: t.ID})
		}
	}
	return out
}

func topicChanges(ot, nt *Topic, broker int32) []PartitionChange {
	var out []PartitionChange
	for i, p := range nt.Partitions {
		var op *Partition
		if ot != nil && i < len(ot.Partitions) {
			op = ot.Partitions[i]
		}
		wasReplica := op != nil && slices.Contains(op.Replicas, broker)
		isReplica := slices.Contains(p.Replicas, broker)
		if !wasReplica && !isReplica {
			continue
		}
		if op != nil && samePartition(op, p) {
			continue
		}
		out = append(out, PartitionChange{TopicPartition: TopicPartition{nt.Name, int32(i)}, TopicID: nt.ID, Role: roleOf(p, broker), Partition: p})
	}
	return out
}

func roleOf(p *Partition, broker int32) Role {
	switch {
	case p.Leader == broker:
		return RoleLeader
	case slices.Contains(p.Replicas, broker):
		return RoleFollower
	}
	return RoleNone
}
