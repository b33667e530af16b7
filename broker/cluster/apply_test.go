package cluster

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"
)

func TestCreateTopicAssignsOverLiveBrokers(t *testing.T) {
	s := stateWith(t, 3)
	res := mustApply(t, s, &CreateTopic{ID: NewTopicID(), Name: "clicks", Partitions: 6, ReplicationFactor: 3, Configs: map[string]string{"retention.ms": "1000"}})
	if len(res.Topic.Partitions) != 6 {
		t.Fatalf("got %d partitions", len(res.Topic.Partitions))
	}
	leaders := map[int32]int{}
	for i, p := range s.Topics["clicks"].Partitions {
		if len(p.Replicas) != 3 || !slices.Equal(p.ISR, p.Replicas) || p.Leader != p.Replicas[0] || p.LeaderEpoch != 0 || p.PartitionEpoch != 0 {
			t.Fatalf("partition %d: %+v", i, p)
		}
		leaders[p.Leader]++
	}
	if leaders[1] != 2 || leaders[2] != 2 || leaders[3] != 2 {
		t.Fatalf("leaders unbalanced: %v", leaders)
	}
	if v, _ := s.Topics["clicks"].Config("retention.ms"); v != "1000" {
		t.Fatalf("config lost: %v", s.Topics["clicks"].Configs)
	}
	if tt, ok := s.TopicByID(res.Topic.ID); !ok || tt.Name != "clicks" {
		t.Fatal("topic not found by id")
	}
}

func TestCreateTopicRefusals(t *testing.T) {
	s := stateWith(t, 3)
	topicWith(t, s, "a", []int32{1})
	mustApply(t, s, &FenceBroker{ID: 3})
	id := s.Topics["a"].ID
	tests := []struct {
		name string
		cmd  *CreateTopic
		code *kerr.Error
		msg  string
	}{
		{"exists", &CreateTopic{ID: NewTopicID(), Name: "a", Partitions: 1, ReplicationFactor: 1}, kerr.TopicAlreadyExists, `topic "a" already exists`},
		{"bad name", &CreateTopic{ID: NewTopicID(), Name: "a/b", Partitions: 1, ReplicationFactor: 1}, kerr.InvalidTopicException, "use only letters"},
		{"empty name", &CreateTopic{ID: NewTopicID(), Name: "", Partitions: 1, ReplicationFactor: 1}, kerr.InvalidTopicException, "empty"},
		{"no id", &CreateTopic{Name: "b", Partitions: 1, ReplicationFactor: 1}, kerr.InvalidRequest, "no id"},
		{"id reused", &CreateTopic{ID: id, Name: "b", Partitions: 1, ReplicationFactor: 1}, kerr.InvalidRequest, "already used"},
		{"rf over live", &CreateTopic{ID: NewTopicID(), Name: "b", Partitions: 1, ReplicationFactor: 3}, kerr.InvalidReplicationFactor, "replication factor 3 is larger than the 2 live brokers (ids 1, 2)"},
		{"zero partitions", &CreateTopic{ID: NewTopicID(), Name: "b", Partitions: 0, ReplicationFactor: 1}, kerr.InvalidPartitions, "partition count 0"},
		{"unknown broker", &CreateTopic{ID: NewTopicID(), Name: "b", Assignment: [][]int32{{1, 9}}}, kerr.InvalidReplicaAssignment, "broker 9, which is not registered"},
		{"duplicate replica", &CreateTopic{ID: NewTopicID(), Name: "b", Assignment: [][]int32{{1, 1}}}, kerr.InvalidReplicaAssignment, "twice"},
		{"empty replicas", &CreateTopic{ID: NewTopicID(), Name: "b", Assignment: [][]int32{{}}}, kerr.InvalidReplicaAssignment, "empty replica list"},
		{"none alive", &CreateTopic{ID: NewTopicID(), Name: "b", Assignment: [][]int32{{3}}}, kerr.InvalidReplicaAssignment, "none of its replicas (3) is alive"},
		{"empty config name", &CreateTopic{ID: NewTopicID(), Name: "b", Partitions: 1, ReplicationFactor: 1, Configs: map[string]string{"": "x"}}, kerr.InvalidConfig, "config name is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := EncodeState(s)
			_, err := s.Apply(tt.cmd)
			wantCode(t, err, tt.code)
			if !strings.HasPrefix(err.Error(), "cluster: ") || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("message %q does not contain %q", err, tt.msg)
			}
			if after, _ := EncodeState(s); string(after) != string(before) {
				t.Fatal("a refused command changed the state")
			}
		})
	}
}

func TestCreateTopicWithFencedReplica(t *testing.T) {
	s := stateWith(t, 3)
	mustApply(t, s, &FenceBroker{ID: 1})
	topicWith(t, s, "a", []int32{1, 2, 3})
	p := part(t, s, "a", 0)
	if !slices.Equal(p.ISR, []int32{2, 3}) || p.Leader != 2 {
		t.Fatalf("want ISR [2 3] led by 2, got %+v", p)
	}
}

func TestFenceElectsFromISR(t *testing.T) {
	tests := []struct {
		name     string
		replicas []int32
		fence    []int32
		unclean  bool
		wantISR  []int32
		wantLead int32
		wantLE   int32
		wantPE   int32
	}{
		{"follower dies", []int32{1, 2, 3}, []int32{2}, false, []int32{1, 3}, 1, 0, 1},
		{"leader dies", []int32{1, 2, 3}, []int32{1}, false, []int32{2, 3}, 2, 1, 1},
		{"leader then next", []int32{1, 2, 3}, []int32{1, 2}, false, []int32{3}, 3, 2, 2},
		{"all die: last stays in ISR", []int32{1, 2, 3}, []int32{1, 2, 3}, false, []int32{3}, NoLeader, 3, 3},
		{"unclean elects outside the ISR", []int32{1, 2}, []int32{2}, true, []int32{1}, 1, 0, 1},
		{"unrelated broker", []int32{1, 2}, []int32{3}, false, []int32{1, 2}, 1, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := stateWith(t, 3)
			topicWith(t, s, "a", tt.replicas)
			if tt.unclean {
				mustApply(t, s, &AlterConfigs{Topic: "a", Set: map[string]string{ConfigUncleanLeaderElection: "true"}})
			}
			for _, id := range tt.fence {
				mustApply(t, s, &FenceBroker{ID: id})
			}
			p := part(t, s, "a", 0)
			if !slices.Equal(p.ISR, tt.wantISR) || p.Leader != tt.wantLead || p.LeaderEpoch != tt.wantLE || p.PartitionEpoch != tt.wantPE {
				t.Fatalf("got ISR %v leader %d epochs %d/%d, want ISR %v leader %d epochs %d/%d",
					p.ISR, p.Leader, p.LeaderEpoch, p.PartitionEpoch, tt.wantISR, tt.wantLead, tt.wantLE, tt.wantPE)
			}
		})
	}
}

func TestUnfenceReelectsLastISRMember(t *testing.T) {
	s := stateWith(t, 2)
	topicWith(t, s, "a", []int32{1, 2})
	mustApply(t, s, &FenceBroker{ID: 2})
	mustApply(t, s, &FenceBroker{ID: 1})
	p := part(t, s, "a", 0)
	if p.Leader != NoLeader || !slices.Equal(p.ISR, []int32{1}) {
		t.Fatalf("got %+v", p)
	}
	// Broker 2 is not in the ISR: it must not lead (clean election only).
	mustApply(t, s, &UnfenceBroker{ID: 2})
	if p.Leader != NoLeader {
		t.Fatalf("broker 2 was elected from outside the ISR: %+v", p)
	}
	mustApply(t, s, &UnfenceBroker{ID: 1})
	if p.Leader != 1 || p.LeaderEpoch != 2 {
		t.Fatalf("want leader 1 at epoch 2, got %+v", p)
	}
	// Turning on unclean election elects from outside the ISR.
	mustApply(t, s, &FenceBroker{ID: 1})
	mustApply(t, s, &AlterConfigs{Topic: "a", Set: map[string]string{ConfigUncleanLeaderElection: "true"}})
	if p.Leader != 2 || !slices.Equal(p.ISR, []int32{2}) {
		t.Fatalf("want unclean leader 2, got %+v", p)
	}
}

func TestBrokerRegistration(t *testing.T) {
	s := stateWith(t, 1)
	mustApply(t, s, &FenceBroker{ID: 1})
	mustApply(t, s, &RegisterBroker{Broker: Broker{ID: 1, KafkaAddr: "h:1", Rack: "r"}})
	if b := s.Brokers[1]; !b.Fenced || b.KafkaAddr != "h:1" || b.Rack != "r" {
		t.Fatalf("re-registration: %+v", b)
	}
	_, err := s.Apply(&RegisterBroker{Broker: Broker{ID: 2, KafkaAddr: "nohost"}})
	wantCode(t, err, kerr.InvalidRequest)
	_, err = s.Apply(&RegisterBroker{Broker: Broker{ID: -1, KafkaAddr: "h:1"}})
	wantCode(t, err, kerr.InvalidRequest)
	_, err = s.Apply(&FenceBroker{ID: 5})
	wantCode(t, err, kerr.BrokerNotAvailable)
	_, err = s.Apply(&UnfenceBroker{ID: 5})
	wantCode(t, err, kerr.BrokerNotAvailable)
}

func TestAlterPartition(t *testing.T) {
	setup := func(t *testing.T) *State {
		s := stateWith(t, 3)
		topicWith(t, s, "a", []int32{1, 2, 3})
		return s
	}
	tests := []struct {
		name  string
		prep  func(s *State)
		cmd   AlterPartition
		code  *kerr.Error
		isr   []int32
		epoch int32
	}{
		{"shrink", nil, AlterPartition{Topic: "a", BrokerID: 1, ISR: []int32{1, 2}}, nil, []int32{1, 2}, 1},
		{"no change keeps the epoch", nil, AlterPartition{Topic: "a", BrokerID: 1, ISR: []int32{1, 2, 3}}, nil, []int32{1, 2, 3}, 0},
		{"not the leader", nil, AlterPartition{Topic: "a", BrokerID: 2, ISR: []int32{1, 2}}, kerr.NotLeaderForPartition, nil, 0},
		{"stale leader epoch", nil, AlterPartition{Topic: "a", BrokerID: 1, LeaderEpoch: -1, ISR: []int32{1}}, kerr.FencedLeaderEpoch, nil, 0},
		{"stale partition epoch", func(s *State) {
			mustApply(t, s, &AlterPartition{Topic: "a", BrokerID: 1, ISR: []int32{1, 2}})
		}, AlterPartition{Topic: "a", BrokerID: 1, ISR: []int32{1}}, kerr.InvalidUpdateVersion, nil, 0},
		{"fenced broker joins", func(s *State) {
			mustApply(t, s, &FenceBroker{ID: 3})
		}, AlterPartition{Topic: "a", BrokerID: 1, PartitionEpoch: 1, ISR: []int32{1, 2, 3}}, kerr.IneligibleReplica, nil, 0},
		{"leader left out", nil, AlterPartition{Topic: "a", BrokerID: 1, ISR: []int32{2, 3}}, kerr.InvalidRequest, nil, 0},
		{"not a replica", func(s *State) {
			mustApply(t, s, &RegisterBroker{Broker: Broker{ID: 4, KafkaAddr: "h:4"}})
		}, AlterPartition{Topic: "a", BrokerID: 1, ISR: []int32{1, 4}}, kerr.InvalidRequest, nil, 0},
		{"empty", nil, AlterPartition{Topic: "a", BrokerID: 1, ISR: nil}, kerr.InvalidRequest, nil, 0},
		{"duplicate", nil, AlterPartition{Topic: "a", BrokerID: 1, ISR: []int32{1, 1}}, kerr.InvalidRequest, nil, 0},
		{"unknown partition", nil, AlterPartition{Topic: "a", Partition: 1, BrokerID: 1, ISR: []int32{1}}, kerr.UnknownTopicOrPartition, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := setup(t)
			if tt.prep != nil {
				tt.prep(s)
			}
			cmd := tt.cmd
			res, err := s.Apply(&cmd)
			if tt.code != nil {
				wantCode(t, err, tt.code)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res.Partition.ISR, tt.isr) || res.Partition.PartitionEpoch != tt.epoch || res.Partition.LeaderEpoch != 0 {
				t.Fatalf("got %+v, want ISR %v partition epoch %d", res.Partition, tt.isr, tt.epoch)
			}
		})
	}
}

func TestElectLeadersPreferred(t *testing.T) {
	s := stateWith(t, 3)
	topicWith(t, s, "a", []int32{1, 2, 3}, []int32{2, 3, 1})
	mustApply(t, s, &FenceBroker{ID: 1})
	mustApply(t, s, &UnfenceBroker{ID: 1})
	// Broker 1 is back but out of the ISR: preferred election must wait.
	res := mustApply(t, s, &ElectLeaders{Type: ElectPreferred, Partitions: []TopicPartition{{"a", 0}, {"a", 1}, {"b", 0}}})
	codes := []int16{}
	for _, r := range res.Partitions {
		codes = append(codes, ErrorCode(errOrNil(r.Err)))
	}
	if want := []int16{kerr.PreferredLeaderNotAvailable.Code, kerr.ElectionNotNeeded.Code, kerr.UnknownTopicOrPartition.Code}; !slices.Equal(codes, want) {
		t.Fatalf("codes %v, want %v (%+v)", codes, want, res.Partitions)
	}
	p := part(t, s, "a", 0)
	mustApply(t, s, &AlterPartition{Topic: "a", BrokerID: 2, LeaderEpoch: p.LeaderEpoch, PartitionEpoch: p.PartitionEpoch, ISR: []int32{2, 3, 1}})
	res = mustApply(t, s, &ElectLeaders{Type: ElectPreferred})
	if len(res.Partitions) != 1 || res.Partitions[0].TopicPartition != (TopicPartition{"a", 0}) || res.Partitions[0].Err != nil {
		t.Fatalf("got %+v", res.Partitions)
	}
	if p.Leader != 1 || p.LeaderEpoch != 2 {
		t.Fatalf("want leader 1 epoch 2, got %+v", p)
	}
	_, err := s.Apply(&ElectLeaders{Type: 7})
	wantCode(t, err, kerr.InvalidRequest)
}

func TestElectLeadersUnclean(t *testing.T) {
	s := stateWith(t, 2)
	topicWith(t, s, "a", []int32{1, 2})
	mustApply(t, s, &FenceBroker{ID: 2})
	mustApply(t, s, &FenceBroker{ID: 1})
	mustApply(t, s, &UnfenceBroker{ID: 2})
	res := mustApply(t, s, &ElectLeaders{Type: ElectUnclean, Partitions: []TopicPartition{{"a", 0}}})
	if res.Partitions[0].Err != nil {
		t.Fatal(res.Partitions[0].Err)
	}
	if p := part(t, s, "a", 0); p.Leader != 2 || !slices.Equal(p.ISR, []int32{2}) {
		t.Fatalf("got %+v", p)
	}
	res = mustApply(t, s, &ElectLeaders{Type: ElectUnclean, Partitions: []TopicPartition{{"a", 0}}})
	wantCode(t, res.Partitions[0].Err, kerr.ElectionNotNeeded)
}

func errOrNil(e *Error) error {
	if e == nil {
		return nil
	}
	return e
}

func TestReassignment(t *testing.T) {
	s := stateWith(t, 4)
	topicWith(t, s, "a", []int32{1, 2, 3})
	res := mustApply(t, s, &Reassign{Partitions: []ReassignPartition{{TopicPartition{"a", 0}, []int32{2, 3, 4}}}})
	if res.Partitions[0].Err != nil {
		t.Fatal(res.Partitions[0].Err)
	}
	p := part(t, s, "a", 0)
	if !slices.Equal(p.Replicas, []int32{2, 3, 4, 1}) || !slices.Equal(p.Adding, []int32{4}) || !slices.Equal(p.Removing, []int32{1}) || p.Leader != 1 || p.PartitionEpoch != 1 {
		t.Fatalf("after begin: %+v", p)
	}
	if got := s.Reassignments(nil); len(got) != 1 || got[0].TopicPartition != (TopicPartition{"a", 0}) {
		t.Fatalf("reassignments %+v", got)
	}
	// The leader brings 4 into the ISR: the reassignment completes, 1 is
	// removed and leadership moves to the first in-sync target replica.
	mustApply(t, s, &AlterPartition{Topic: "a", BrokerID: 1, LeaderEpoch: 0, PartitionEpoch: 1, ISR: []int32{1, 2, 3, 4}})
	if !slices.Equal(p.Replicas, []int32{2, 3, 4}) || !slices.Equal(p.ISR, []int32{2, 3, 4}) || p.Leader != 2 || p.LeaderEpoch != 1 || p.Reassigning() {
		t.Fatalf("after completion: %+v", p)
	}
	if got := s.Reassignments(nil); len(got) != 0 {
		t.Fatalf("reassignments left: %+v", got)
	}
}

func TestReassignmentCancelAndShrink(t *testing.T) {
	s := stateWith(t, 4)
	topicWith(t, s, "a", []int32{1, 2, 3})
	mustApply(t, s, &Reassign{Partitions: []ReassignPartition{{TopicPartition{"a", 0}, []int32{1, 2, 3, 4}}}})
	res := mustApply(t, s, &Reassign{Partitions: []ReassignPartition{{TopicPartition: TopicPartition{"a", 0}}}})
	if res.Partitions[0].Err != nil {
		t.Fatal(res.Partitions[0].Err)
	}
	p := part(t, s, "a", 0)
	if !slices.Equal(p.Replicas, []int32{1, 2, 3}) || p.Reassigning() || p.PartitionEpoch != 2 {
		t.Fatalf("after cancel: %+v", p)
	}
	res = mustApply(t, s, &Reassign{Partitions: []ReassignPartition{{TopicPartition: TopicPartition{"a", 0}}}})
	wantCode(t, res.Partitions[0].Err, kerr.NoReassignmentInProgress)
	// Removing replicas only completes at once: the target is in sync.
	mustApply(t, s, &Reassign{Partitions: []ReassignPartition{{TopicPartition{"a", 0}, []int32{3}}}})
	if !slices.Equal(p.Replicas, []int32{3}) || !slices.Equal(p.ISR, []int32{3}) || p.Leader != 3 || p.LeaderEpoch != 1 {
		t.Fatalf("after shrink: %+v", p)
	}
	res = mustApply(t, s, &Reassign{Partitions: []ReassignPartition{
		{TopicPartition{"a", 0}, []int32{3, 9}},
		{TopicPartition{"a", 0}, []int32{3, 3}},
		{TopicPartition{"a", 5}, []int32{3}},
	}})
	wantCode(t, res.Partitions[0].Err, kerr.InvalidReplicaAssignment)
	wantCode(t, res.Partitions[1].Err, kerr.InvalidReplicaAssignment)
	wantCode(t, res.Partitions[2].Err, kerr.UnknownTopicOrPartition)
}

func TestDeleteAndGrowTopic(t *testing.T) {
	s := stateWith(t, 3)
	mustApply(t, s, &CreateTopic{ID: NewTopicID(), Name: "a", Partitions: 3, ReplicationFactor: 2})
	res := mustApply(t, s, &CreatePartitions{Topic: "a", Count: 6})
	if len(res.Topic.Partitions) != 6 {
		t.Fatalf("got %d partitions", len(res.Topic.Partitions))
	}
	leaders := map[int32]int{}
	for _, p := range s.Topics["a"].Partitions {
		if len(p.Replicas) != 2 || hasDuplicates(p.Replicas) {
			t.Fatalf("bad replicas %v", p.Replicas)
		}
		leaders[p.Leader]++
	}
	if leaders[1] != 2 || leaders[2] != 2 || leaders[3] != 2 {
		t.Fatalf("leaders after growth unbalanced: %v", leaders)
	}
	_, err := s.Apply(&CreatePartitions{Topic: "a", Count: 6})
	wantCode(t, err, kerr.InvalidPartitions)
	_, err = s.Apply(&CreatePartitions{Topic: "a", Count: 8, Assignment: [][]int32{{1}}})
	wantCode(t, err, kerr.InvalidReplicaAssignment)
	mustApply(t, s, &CreatePartitions{Topic: "a", Count: 7, Assignment: [][]int32{{3}}})
	if p := part(t, s, "a", 6); p.Leader != 3 {
		t.Fatalf("explicit assignment ignored: %+v", p)
	}
	id := s.Topics["a"].ID
	mustApply(t, s, &DeleteTopic{Name: "a"})
	if _, ok := s.TopicByID(id); ok || len(s.Topics) != 0 {
		t.Fatal("topic still there")
	}
	_, err = s.Apply(&DeleteTopic{Name: "a"})
	wantCode(t, err, kerr.UnknownTopicOrPartition)
	_, err = s.Apply(&CreatePartitions{Topic: "a", Count: 2})
	wantCode(t, err, kerr.UnknownTopicOrPartition)
}

func TestAlterConfigs(t *testing.T) {
	s := stateWith(t, 1)
	mustApply(t, s, &CreateTopic{ID: NewTopicID(), Name: "a", Partitions: 1, ReplicationFactor: 1, Configs: map[string]string{"x": "1", "y": "2"}})
	mustApply(t, s, &AlterConfigs{Topic: "a", Set: map[string]string{"z": "3"}, Delete: []string{"x"}})
	if got := fmt.Sprint(s.Topics["a"].Configs); got != "map[y:2 z:3]" {
		t.Fatalf("configs %s", got)
	}
	_, err := s.Apply(&AlterConfigs{Topic: "b"})
	wantCode(t, err, kerr.UnknownTopicOrPartition)
	_, err = s.Apply(&AlterConfigs{Topic: "a", Delete: []string{""}})
	wantCode(t, err, kerr.InvalidConfig)
}

func TestImbalancedPartitions(t *testing.T) {
	s := stateWith(t, 3)
	var assignment [][]int32
	for i := 0; i < 10; i++ {
		assignment = append(assignment, []int32{int32(i%3 + 1), int32((i+1)%3 + 1)})
	}
	topicWith(t, s, "a", assignment...)
	if got := ImbalancedPartitions(s, 10); len(got) != 0 {
		t.Fatalf("balanced cluster reported %v", got)
	}
	mustApply(t, s, &FenceBroker{ID: 1})
	if got := ImbalancedPartitions(s, 10); len(got) != 0 {
		t.Fatalf("dead preferred leader reported %v", got)
	}
	mustApply(t, s, &UnfenceBroker{ID: 1})
	for i, p := range s.Topics["a"].Partitions {
		if p.PreferredLeader() == 1 && i < 6 {
			mustApply(t, s, &AlterPartition{Topic: "a", Partition: int32(i), BrokerID: p.Leader, LeaderEpoch: p.LeaderEpoch, PartitionEpoch: p.PartitionEpoch, ISR: p.Replicas})
		}
	}
	// Broker 1 prefers partitions 0, 3, 6, 9 and leads none; 0 and 3 are in
	// sync again, 6 and 9 are not yet.
	got := ImbalancedPartitions(s, 10)
	if fmt.Sprint(got) != "[a-0 a-3]" {
		t.Fatalf("got %v", got)
	}
	if got := ImbalancedPartitions(s, 100); len(got) != 0 {
		t.Fatalf("100%% threshold reported %v", got)
	}
}
