package cluster

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

// sampleCommands is one of every command, for round trips and the fuzz
// seed corpus.
func sampleCommands() []Command {
	id := TopicID{1, 2, 3}
	return []Command{
		&RegisterBroker{Broker: Broker{ID: 1, KafkaAddr: "127.0.0.1:9092", GossipAddr: "127.0.0.1:7946", RaftAddr: "127.0.0.1:7947", Rack: "a", ControllerEligible: true}},
		&RegisterBroker{Broker: Broker{ID: 2, KafkaAddr: "127.0.0.1:9093"}},
		&RegisterBroker{Broker: Broker{ID: 3, KafkaAddr: "127.0.0.1:9094"}},
		&CreateTopic{ID: id, Name: "clicks", Partitions: 3, ReplicationFactor: 2, Configs: map[string]string{"retention.ms": "60000"}},
		&CreateTopic{ID: TopicID{9}, Name: "manual", Assignment: [][]int32{{1, 2}, {2, 3}}},
		&FenceBroker{ID: 2},
		&UnfenceBroker{ID: 2},
		&CreatePartitions{Topic: "clicks", Count: 4},
		&AlterConfigs{Topic: "clicks", Set: map[string]string{"unclean.leader.election.enable": "true"}, Delete: []string{"retention.ms"}},
		&AlterPartition{Topic: "manual", Partition: 0, BrokerID: 1, ISR: []int32{1}},
		&ElectLeaders{Type: ElectPreferred, Partitions: []TopicPartition{{"clicks", 0}}},
		&ElectLeaders{Type: ElectUnclean},
		&Reassign{Partitions: []ReassignPartition{{TopicPartition{"clicks", 1}, []int32{3, 1}}}},
		&Reassign{Partitions: []ReassignPartition{{TopicPartition: TopicPartition{"clicks", 1}}}},
		&AllocateProducerIDs{BrokerID: 1, Count: 1000},
		&DeleteTopic{Name: "manual"},
	}
}

func TestCommandRoundTrip(t *testing.T) {
	for _, cmd := range sampleCommands() {
		b, err := EncodeCommand(cmd)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeCommand(b)
		if err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if !reflect.DeepEqual(got, cmd) {
			t.Fatalf("round trip of %s: got %#v, want %#v", cmd.Op(), got, cmd)
		}
	}
}

func TestDecodeCommandErrors(t *testing.T) {
	tests := []struct{ in, msg string }{
		{`nope`, "not valid JSON"},
		{`{"op":"createTopic","v":2,"body":{}}`, "version 2"},
		{`{"op":"launchRocket","v":1,"body":{}}`, `unknown command "launchRocket"`},
		{`{"op":"createTopic","v":1,"body":{"partitions":"x"}}`, "malformed"},
		{`{"op":"createTopic","v":1,"body":{"id":"zz"}}`, "malformed"},
	}
	for _, tt := range tests {
		_, err := DecodeCommand([]byte(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.msg) || !strings.HasPrefix(err.Error(), "cluster: ") {
			t.Fatalf("%s: got %v, want %q", tt.in, err, tt.msg)
		}
	}
}

// TestApplyIsDeterministic applies the same commands to two States and to
// a snapshot restored halfway, and wants byte-identical encodings.
func TestApplyIsDeterministic(t *testing.T) {
	a, b := NewState(), NewState()
	var restored *State
	for i, cmd := range sampleCommands() {
		ra, erra := a.Apply(cmd)
		rb, errb := b.Apply(cmd)
		if (erra == nil) != (errb == nil) || !reflect.DeepEqual(ra, rb) {
			t.Fatalf("%s: results differ: %v/%v %+v/%+v", cmd.Op(), erra, errb, ra, rb)
		}
		if restored != nil {
			_, _ = restored.Apply(cmd)
		}
		if i == 6 {
			snap, err := EncodeState(a)
			if err != nil {
				t.Fatal(err)
			}
			if restored, err = DecodeState(snap); err != nil {
				t.Fatal(err)
			}
		}
	}
	ea, _ := EncodeState(a)
	eb, _ := EncodeState(b)
	er, _ := EncodeState(restored)
	if !bytes.Equal(ea, eb) || !bytes.Equal(ea, er) {
		t.Fatalf("states differ:\n%s\n%s\n%s", ea, eb, er)
	}
	if c, _ := EncodeState(a.Clone()); !bytes.Equal(c, ea) {
		t.Fatal("Clone differs from the original")
	}
}

func TestDecodeStateErrors(t *testing.T) {
	tests := []struct{ in, msg string }{
		{`{`, "not valid JSON"},
		{`{"v":9,"state":{}}`, "version 9"},
		{`{"v":1}`, "no state"},
		{`{"v":1,"state":{"topics":{"a":null}}}`, "topic entry"},
		{`{"v":1,"state":{"topics":{"a":{"id":"01000000000000000000000000000000","name":"a","partitions":[null]}}}}`, "empty entry"},
		{`{"v":1,"state":{"topics":{"a":{"id":"01000000000000000000000000000000","name":"a","partitions":[{"replicas":[1],"isr":[2],"leader":1}]}}}}`, "ISR"},
		{`{"v":1,"state":{"topics":{"a":{"id":"01000000000000000000000000000000","name":"a","partitions":[{"replicas":[1,2],"isr":[2],"leader":1}]}}}}`, "leader 1"},
		{`{"v":1,"state":{"brokers":{"1":{"id":2}}}}`, "broker entry 1"},
		{`{"v":1,"state":{"topics":{"a":{"id":"01000000000000000000000000000000","name":"a","partitions":[]}}}}`, "no partitions"},
		{`{"v":1,"state":{"topics":{"a":{"id":"01000000000000000000000000000000","name":"a","partitions":[{"replicas":[1],"isr":[1],"leader":1}]},"b":{"id":"01000000000000000000000000000000","name":"b","partitions":[{"replicas":[1],"isr":[1],"leader":1}]}}}}`, "share an id"},
	}
	for _, tt := range tests {
		_, err := DecodeState([]byte(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Fatalf("%s: got %v, want %q", tt.in, err, tt.msg)
		}
	}
}

// FuzzApply decodes arbitrary records and applies them to a populated
// State: never a panic, and the State's invariants always hold.
func FuzzApply(f *testing.F) {
	for _, cmd := range sampleCommands() {
		b, _ := EncodeCommand(cmd)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, rec []byte) {
		s := NewState()
		for _, cmd := range sampleCommands()[:5] {
			_, _ = s.Apply(cmd)
		}
		cmd, err := DecodeCommand(rec)
		if err != nil {
			return
		}
		if _, err := s.Apply(cmd); err != nil && ErrorCode(err) == 0 {
			t.Fatalf("error without a code: %v", err)
		}
		if err := s.check(); err != nil {
			t.Fatalf("invariant broken by %s: %v", rec, err)
		}
	})
}

// TestCloneSharing: the published copy shares unchanged topics, copies
// changed ones, and equals a full copy.
func TestCloneSharing(t *testing.T) {
	s := stateWith(t, 3)
	topicWith(t, s, "a", []int32{1, 2})
	topicWith(t, s, "b", []int32{2, 3})
	prev := s.Clone()
	mustApply(t, s, &FenceBroker{ID: 3})
	next := s.cloneSharing(prev)
	if next.Topics["a"] != prev.Topics["a"] {
		t.Fatal("unchanged topic a was copied")
	}
	if next.Topics["b"] == prev.Topics["b"] || next.Topics["b"] == s.Topics["b"] {
		t.Fatal("changed topic b shares memory")
	}
	full, _ := EncodeState(s.Clone())
	shared, _ := EncodeState(next)
	if !bytes.Equal(full, shared) {
		t.Fatalf("shared copy differs:\n%s\n%s", full, shared)
	}
	mustApply(t, s, &AlterConfigs{Topic: "a", Set: map[string]string{"x": "1"}})
	if next2 := s.cloneSharing(next); next2.Topics["a"] == next.Topics["a"] {
		t.Fatal("a config change was not published")
	}
}

// FuzzDecodeState: a damaged snapshot is an error, never a panic, and
// whatever decodes keeps the invariants and accepts every command.
func FuzzDecodeState(f *testing.F) {
	s := NewState()
	for _, cmd := range sampleCommands()[:9] {
		_, _ = s.Apply(cmd)
	}
	good, _ := EncodeState(s)
	f.Add(good)
	f.Add([]byte(`{"v":1,"state":{}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := DecodeState(b)
		if err != nil {
			return
		}
		for _, cmd := range sampleCommands() {
			_, _ = st.Apply(cmd)
		}
		_ = st.Clone()
		_ = ImbalancedPartitions(st, 10)
		_ = Changes(nil, st, 1)
	})
}
