package cluster

import (
	"fmt"
	"slices"
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"
)

func brokers(ids ...int32) []Broker {
	out := make([]Broker, len(ids))
	for i, id := range ids {
		out[i] = Broker{ID: id}
	}
	return out
}

func TestAssignReplicasKafkaOrder(t *testing.T) {
	tests := []struct {
		name string
		in   AssignInput
		want [][]int32
	}{
		{"rf2 shifts after a round", AssignInput{Brokers: brokers(3, 1, 2), Partitions: 6, ReplicationFactor: 2},
			[][]int32{{1, 2}, {2, 3}, {3, 1}, {1, 3}, {2, 1}, {3, 2}}},
		{"start index", AssignInput{Brokers: brokers(1, 2, 3), Partitions: 3, ReplicationFactor: 1, StartIndex: 4},
			[][]int32{{2}, {3}, {1}}},
		{"rf equals brokers", AssignInput{Brokers: brokers(1, 2, 3), Partitions: 2, ReplicationFactor: 3},
			[][]int32{{1, 2, 3}, {2, 3, 1}}},
		{"one broker", AssignInput{Brokers: brokers(7), Partitions: 2, ReplicationFactor: 1},
			[][]int32{{7}, {7}}},
		{"continue from partition 3", AssignInput{Brokers: brokers(1, 2, 3), Partitions: 2, FirstPartition: 3, ReplicationFactor: 2},
			[][]int32{{1, 3}, {2, 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AssignReplicas(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAssignReplicasRefusesTooFewBrokers(t *testing.T) {
	_, err := AssignReplicas(AssignInput{Brokers: brokers(2, 1), Partitions: 1, ReplicationFactor: 3})
	wantCode(t, err, kerr.InvalidReplicationFactor)
	if want := "cluster: replication factor 3 is larger than the 2 live brokers (ids 1, 2)"; err.Error() != want {
		t.Fatalf("got %q, want %q", err, want)
	}
	_, err = AssignReplicas(AssignInput{Brokers: brokers(1), Partitions: 1, ReplicationFactor: 0})
	wantCode(t, err, kerr.InvalidReplicationFactor)
}

// TestAssignReplicasSpread checks, over many shapes, that every partition
// gets rf distinct brokers and that leaders and replicas are balanced.
func TestAssignReplicasSpread(t *testing.T) {
	for n := 1; n <= 7; n++ {
		for rf := 1; rf <= n; rf++ {
			for start := 0; start < n; start++ {
				var ids []int32
				for i := 1; i <= n; i++ {
					ids = append(ids, int32(i*10))
				}
				parts := int32(n * 4)
				got, err := AssignReplicas(AssignInput{Brokers: brokers(ids...), Partitions: parts, ReplicationFactor: int16(rf), StartIndex: start, ReplicaShift: start * 7})
				if err != nil {
					t.Fatal(err)
				}
				leaders, replicas := map[int32]int{}, map[int32]int{}
				for _, r := range got {
					if len(r) != rf || hasDuplicates(r) {
						t.Fatalf("n=%d rf=%d: bad replica list %v", n, rf, r)
					}
					leaders[r[0]]++
					for _, b := range r {
						replicas[b]++
					}
				}
				for _, id := range ids {
					if leaders[id] != 4 || replicas[id] != 4*rf {
						t.Fatalf("n=%d rf=%d start=%d: broker %d leads %d and holds %d replicas, want 4 and %d: %v", n, rf, start, id, leaders[id], replicas[id], 4*rf, got)
					}
				}
			}
		}
	}
}

func TestAssignReplicasRackAware(t *testing.T) {
	in := []Broker{{ID: 1, Rack: "a"}, {ID: 2, Rack: "a"}, {ID: 3, Rack: "b"}, {ID: 4, Rack: "b"}, {ID: 5, Rack: "c"}, {ID: 6, Rack: "c"}}
	rackOf := map[int32]string{}
	for _, b := range in {
		rackOf[b.ID] = b.Rack
	}
	got, err := AssignReplicas(AssignInput{Brokers: in, Partitions: 12, ReplicationFactor: 3, StartIndex: 2, ReplicaShift: 5})
	if err != nil {
		t.Fatal(err)
	}
	leaders := map[int32]int{}
	for _, r := range got {
		racks := map[string]bool{}
		for _, b := range r {
			racks[rackOf[b]] = true
		}
		if len(racks) != 3 || hasDuplicates(r) {
			t.Fatalf("replicas %v span racks %v, want 3 distinct racks", r, racks)
		}
		leaders[r[0]]++
	}
	for id := int32(1); id <= 6; id++ {
		if leaders[id] != 2 {
			t.Fatalf("broker %d leads %d partitions, want 2: %v", id, leaders[id], got)
		}
	}
	// Two racks, rf 3: the third replica goes to a rack already used.
	got, err = AssignReplicas(AssignInput{Brokers: in[:4], Partitions: 4, ReplicationFactor: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range got {
		if len(r) != 3 || hasDuplicates(r) {
			t.Fatalf("bad replica list %v", r)
		}
	}
}

func TestRackAlternated(t *testing.T) {
	got, _ := rackAlternated([]Broker{{ID: 4, Rack: "b"}, {ID: 1, Rack: "a"}, {ID: 2, Rack: "a"}, {ID: 3, Rack: "b"}, {ID: 5, Rack: "c"}})
	if want := []int32{1, 3, 5, 2, 4}; !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}
