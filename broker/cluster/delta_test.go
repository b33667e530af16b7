package cluster

import (
	"fmt"
	"strings"
	"testing"
)

func TestChanges(t *testing.T) {
	describe := func(cs []PartitionChange) string {
		var parts []string
		for _, c := range cs {
			s := fmt.Sprintf("%s:%s", c.TopicPartition, c.Role)
			if c.Partition == nil {
				s += ":gone"
			} else {
				s += fmt.Sprintf(":e%d", c.Partition.LeaderEpoch)
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, " ")
	}
	s := stateWith(t, 3)
	topicWith(t, s, "a", []int32{1, 2}, []int32{2, 3}, []int32{3, 1})
	topicWith(t, s, "b", []int32{3})
	v0 := s.Clone()
	if got := describe(Changes(nil, v0, 1)); got != "a-0:leader:e0 a-2:follower:e0" {
		t.Fatalf("start-up: %s", got)
	}
	// Broker 3 dies: 1 takes over a-2; a-1 changes too but broker 1 is
	// not a replica of it.
	mustApply(t, s, &FenceBroker{ID: 3})
	v1 := s.cloneSharing(v0)
	if got := describe(Changes(v0, v1, 1)); got != "a-2:leader:e1" {
		t.Fatalf("after fence: %s", got)
	}
	if got := describe(Changes(v0, v1, 2)); got != "a-1:leader:e0" { // its ISR shrank
		t.Fatalf("after fence, broker 2: %s", got)
	}
	// a-0 moves from [1 2] to [2 3]: once complete broker 1 is out.
	mustApply(t, s, &UnfenceBroker{ID: 3})
	mustApply(t, s, &Reassign{Partitions: []ReassignPartition{{TopicPartition{"a", 0}, []int32{2, 3}}}})
	p := part(t, s, "a", 0)
	mustApply(t, s, &AlterPartition{Topic: "a", BrokerID: 1, LeaderEpoch: p.LeaderEpoch, PartitionEpoch: p.PartitionEpoch, ISR: []int32{1, 2, 3}})
	v2 := s.cloneSharing(v1)
	if got := describe(Changes(v1, v2, 1)); got != "a-0:none:e1" {
		t.Fatalf("after reassignment: %s", got)
	}
	// Delete and recreate a: the old partitions are gone, the new ones new.
	mustApply(t, s, &DeleteTopic{Name: "a"})
	topicWith(t, s, "a", []int32{1})
	v3 := s.cloneSharing(v2)
	if got := describe(Changes(v2, v3, 1)); got != "a-2:none:gone a-0:leader:e0" {
		t.Fatalf("after recreate: %s", got)
	}
	mustApply(t, s, &DeleteTopic{Name: "b"})
	if got := describe(Changes(v3, s.cloneSharing(v3), 3)); got != "b-0:none:gone" {
		t.Fatalf("after delete: %s", got)
	}
	if got := Changes(v3, v3, 1); len(got) != 0 {
		t.Fatalf("no change reported %v", got)
	}
}
