package cluster

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/raft"
)

func TestPlanReconcile(t *testing.T) {
	b := func(id int32, raftPort int, voter bool) Broker {
		return Broker{ID: id, KafkaAddr: fmt.Sprintf("h:%d", 9000+id), RaftAddr: fmt.Sprintf("h:%d", raftPort), GossipAddr: "h:1", ControllerEligible: voter}
	}
	alive := func(br Broker) member { return member{Broker: br, Alive: true} }
	dead := func(br Broker) member { return member{Broker: br} }
	auto := func(br Broker) member { return member{Broker: br, AutoVoter: true, Alive: true} }
	voter := func(id int32, port int) raft.Server {
		return raft.Server{Suffrage: raft.Voter, ID: raftID(id), Address: raft.ServerAddress(fmt.Sprintf("h:%d", port))}
	}
	state := func(fenced ...int32) *State {
		s := NewState()
		for _, br := range []Broker{b(1, 1, true), b(2, 2, true), b(3, 3, false)} {
			mustApply(t, s, &RegisterBroker{Broker: br})
		}
		for _, id := range fenced {
			mustApply(t, s, &FenceBroker{ID: id})
		}
		return s
	}
	now := time.Unix(100, 0)
	tests := []struct {
		name    string
		state   *State
		members map[int32]member
		raft    []raft.Server
		since   time.Time
		want    string
	}{
		{"all in line", state(), map[int32]member{1: alive(b(1, 1, true)), 2: alive(b(2, 2, true)), 3: alive(b(3, 3, false))},
			[]raft.Server{voter(1, 1), voter(2, 2), {Suffrage: raft.Nonvoter, ID: "3", Address: "h:3"}}, now, ""},
		{"new members join", NewState(), map[int32]member{1: alive(b(1, 1, true)), 3: alive(b(3, 3, false))},
			[]raft.Server{voter(1, 1)}, now, "registerBroker(1) registerBroker(3) nonvoter(3@h:3)"},
		{"dead member is fenced", state(), map[int32]member{1: alive(b(1, 1, true)), 2: dead(b(2, 2, true)), 3: alive(b(3, 3, false))},
			[]raft.Server{voter(1, 1), voter(2, 2), {Suffrage: raft.Nonvoter, ID: "3", Address: "h:3"}}, now, "fenceBroker(2)"},
		{"unseen broker waits for the grace", state(), map[int32]member{1: alive(b(1, 1, true))},
			[]raft.Server{voter(1, 1), voter(2, 2)}, now.Add(-time.Second), ""},
		{"unseen broker fenced after the grace", state(), map[int32]member{1: alive(b(1, 1, true))},
			[]raft.Server{voter(1, 1), voter(2, 2), {Suffrage: raft.Nonvoter, ID: "3", Address: "h:3"}}, now.Add(-5 * time.Second), "fenceBroker(2) fenceBroker(3)"},
		{"back on a new port", state(2), map[int32]member{1: alive(b(1, 1, true)), 2: alive(b(2, 22, true)), 3: alive(b(3, 3, false))},
			[]raft.Server{voter(1, 1), voter(2, 2), {Suffrage: raft.Nonvoter, ID: "3", Address: "h:3"}}, now, "registerBroker(2) unfenceBroker(2) voter(2@h:22)"},
		{"fenced and still dead", state(2), map[int32]member{1: alive(b(1, 1, true)), 2: dead(b(2, 2, true)), 3: alive(b(3, 3, false))},
			[]raft.Server{voter(1, 1), voter(2, 2), {Suffrage: raft.Nonvoter, ID: "3", Address: "h:3"}}, now, ""},
		{"restarted before anyone noticed", state(), map[int32]member{1: alive(b(1, 1, true)), 2: alive(func() Broker { x := b(2, 2, true); x.Incarnation = 9; return x }()), 3: alive(b(3, 3, false))},
			[]raft.Server{voter(1, 1), voter(2, 2), {Suffrage: raft.Nonvoter, ID: "3", Address: "h:3"}}, now, "fenceBroker(2) registerBroker(2) unfenceBroker(2)"},
		{"the first three auto brokers become voters", NewState(), map[int32]member{1: alive(b(1, 1, true)), 2: auto(b(2, 2, false)), 3: auto(b(3, 3, false)), 4: auto(b(4, 4, false))},
			[]raft.Server{voter(1, 1)}, now, "registerBroker(1) registerBroker(2) registerBroker(3) registerBroker(4) voter(2@h:2) voter(3@h:3) nonvoter(4@h:4)"},
		{"an auto broker fills a missing voter", state(), map[int32]member{1: alive(b(1, 1, true)), 2: alive(b(2, 2, true)), 3: auto(b(3, 3, false))},
			[]raft.Server{voter(1, 1), voter(2, 2)}, now, "voter(3@h:3)"},
		{"a voter is never demoted", state(), map[int32]member{1: alive(b(1, 1, true)), 2: alive(b(2, 2, true)), 3: alive(b(3, 3, false))},
			[]raft.Server{voter(1, 1), voter(2, 2), voter(3, 3)}, now, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := planReconcile(reconcileInput{State: tt.state, Members: tt.members, Raft: tt.raft, Now: now, LeaderSince: tt.since, FenceGrace: 5 * time.Second})
			var got []string
			for _, c := range plan.Commands {
				switch c := c.(type) {
				case *RegisterBroker:
					got = append(got, fmt.Sprintf("registerBroker(%d)", c.Broker.ID))
				case *FenceBroker:
					got = append(got, fmt.Sprintf("fenceBroker(%d)", c.ID))
				case *UnfenceBroker:
					got = append(got, fmt.Sprintf("unfenceBroker(%d)", c.ID))
				}
			}
			for _, s := range plan.Voters {
				got = append(got, fmt.Sprintf("voter(%s@%s)", s.ID, s.Address))
			}
			for _, s := range plan.Nonvoters {
				got = append(got, fmt.Sprintf("nonvoter(%s@%s)", s.ID, s.Address))
			}
			if s := strings.Join(got, " "); s != tt.want {
				t.Fatalf("got %q, want %q", s, tt.want)
			}
		})
	}
}
