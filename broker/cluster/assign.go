package cluster

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/cespare/xxhash/v2"
	"github.com/twmb/franz-go/pkg/kerr"
)

// AssignInput is what replica assignment needs: the live brokers (id and
// rack) and where to start.
type AssignInput struct {
	// Brokers are the candidate brokers; order does not matter.
	Brokers []Broker
	// Partitions is how many partitions to assign, numbered from
	// FirstPartition.
	Partitions     int32
	FirstPartition int32
	// ReplicationFactor is the number of replicas of each partition.
	ReplicationFactor int16
	// StartIndex and ReplicaShift play the part of Kafka's random start
	// index and replica shift; they are taken modulo the broker count.
	StartIndex   int
	ReplicaShift int
}

// AssignReplicas spreads partitions over brokers as Kafka does
// (AdminUtils.assignReplicasToBrokers): partition i's first replica (its
// preferred leader) is broker (i + start) mod n, and the followers are
// shifted so that leaders and followers both spread evenly. When every
// broker has a rack the broker list alternates racks and each partition's
// replicas land on as many different racks as possible; brokers without a
// rack count as one rack "".
func AssignReplicas(in AssignInput) ([][]int32, error) {
	n := len(in.Brokers)
	rf := int(in.ReplicationFactor)
	if rf < 1 {
		return nil, errorf(kerr.InvalidReplicationFactor, "replication factor %d must be at least 1", in.ReplicationFactor)
	}
	if rf > n {
		return nil, errorf(kerr.InvalidReplicationFactor, "replication factor %d is larger than the %d live brokers (ids %s)", rf, n, idList(in.Brokers))
	}
	if in.Partitions < 0 || in.FirstPartition < 0 {
		return nil, errorf(kerr.InvalidPartitions, "partition count %d from %d is negative", in.Partitions, in.FirstPartition)
	}
	arranged, rackOf := rackAlternated(in.Brokers)
	racks := len(distinct(rackOf))
	start, shift := mod(in.StartIndex, n), mod(in.ReplicaShift, n)
	out := make([][]int32, 0, in.Partitions)
	for i := int(in.FirstPartition); i < int(in.FirstPartition)+int(in.Partitions); i++ {
		if i > 0 && i%n == 0 {
			shift++
		}
		first := (i + start) % n
		out = append(out, assignOne(arranged, rackOf, racks, first, shift, rf))
	}
	return out, nil
}

// assignOne picks rf replicas starting at arranged[first]. A candidate is
// skipped while its rack already holds a replica and some rack holds none,
// or while it already is a replica; the walk visits every broker, so it
// ends within n*rf steps.
func assignOne(arranged []int32, rackOf map[int32]string, racks, first, shift, rf int) []int32 {
	n := len(arranged)
	leader := arranged[first]
	replicas := []int32{leader}
	usedRacks := map[string]bool{rackOf[leader]: true}
	for k := 0; len(replicas) < rf && k < n*rf*2; k++ {
		b := arranged[replicaIndex(first, shift*racks, k, n)]
		if (usedRacks[rackOf[b]] && len(usedRacks) < racks) || slices.Contains(replicas, b) {
			continue
		}
		replicas = append(replicas, b)
		usedRacks[rackOf[b]] = true
	}
	// Unreachable fallback: keep the result well-formed whatever happens.
	for _, b := range arranged {
		if len(replicas) < rf && !slices.Contains(replicas, b) {
			replicas = append(replicas, b)
		}
	}
	return replicas
}

// replicaIndex is Kafka's follower placement: never the first replica
// itself, shifted by the partition round.
func replicaIndex(first, shift, k, n int) int {
	if n == 1 {
		return first
	}
	s := 1 + (shift+k)%(n-1)
	return (first + s) % n
}

// rackAlternated orders brokers by id within each rack and then takes one
// from each rack in turn (racks in name order): racks a:[1,2] b:[3] give
// [1 3 2]. Without racks it is the brokers by id.
func rackAlternated(brokers []Broker) ([]int32, map[int32]string) {
	rackOf := make(map[int32]string, len(brokers))
	byRack := map[string][]int32{}
	for _, b := range brokers {
		rackOf[b.ID] = b.Rack
		byRack[b.Rack] = append(byRack[b.Rack], b.ID)
	}
	names := make([]string, 0, len(byRack))
	for r, ids := range byRack {
		slices.Sort(ids)
		names = append(names, r)
	}
	sort.Strings(names)
	var out []int32
	for round := 0; len(out) < len(brokers); round++ {
		for _, r := range names {
			if round < len(byRack[r]) {
				out = append(out, byRack[r][round])
			}
		}
	}
	return out, rackOf
}

// seedFor turns a topic id into Kafka's "random" start index and shift,
// deterministically, so every node computes the same assignment.
func seedFor(id TopicID) (start, shift int) {
	h := xxhash.Sum64(id[:])
	return int(h % 1_000_003), int((h >> 32) % 1_000_003)
}

func mod(a, n int) int {
	if n == 0 {
		return 0
	}
	return ((a % n) + n) % n
}

func distinct(m map[int32]string) map[string]bool {
	out := map[string]bool{}
	for _, v := range m {
		out[v] = true
	}
	return out
}

func idList(brokers []Broker) string {
	ids := make([]int32, len(brokers))
	for i, b := range brokers {
		ids[i] = b.ID
	}
	return joinIDs(ids)
}

// joinIDs formats ids sorted, "1, 2, 3".
func joinIDs(ids []int32) string {
	s := slices.Clone(ids)
	slices.Sort(s)
	parts := make([]string, len(s))
	for i, id := range s {
		parts[i] = fmt.Sprint(id)
	}
	return strings.Join(parts, ", ")
}
