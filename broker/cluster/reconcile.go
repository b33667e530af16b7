package cluster

import (
	"slices"
	"strconv"
	"time"

	"github.com/hashicorp/raft"
)

// reconcileInput is what the controller compares: the metadata, what
// memberlist says, and raft's configuration.
type reconcileInput struct {
	State   *State
	Members map[int32]member
	Raft    []raft.Server
	// Now and LeaderSince decide whether FenceGrace has passed for brokers
	// memberlist has not reported at all.
	Now, LeaderSince time.Time
	FenceGrace       time.Duration
}

// reconcilePlan is what the controller should do, in order: commands to
// apply, then raft servers to add or re-address.
type reconcilePlan struct {
	Commands  []Command
	Voters    []raft.Server
	Nonvoters []raft.Server
}

// planReconcile brings the metadata and the raft configuration in line
// with membership, deterministically (brokers in id order):
//   - an alive member that is unregistered or registered with other
//     addresses is registered; a fenced one is unfenced; one registered
//     unfenced with an earlier incarnation (it restarted before anyone
//     noticed) is fenced first, so that it gives up its leaderships and
//     ISR places until it has caught up;
//   - an unfenced broker memberlist reports dead or gone is fenced, and one
//     memberlist has never reported is fenced after FenceGrace;
//   - an alive member missing from raft, or there at another address, is
//     added as a voter (controller-eligible, or leaving the choice to the
//     controller while there are fewer than DesiredVoters) or a non-voter.
//
// Dead servers are never removed from raft: a voter that is down still
// counts toward the quorum size, as with a static KRaft voter set.
func planReconcile(in reconcileInput) reconcilePlan {
	var plan reconcilePlan
	ids := map[int32]bool{}
	for id := range in.Members {
		ids[id] = true
	}
	for id := range in.State.Brokers {
		ids[id] = true
	}
	for _, id := range sortedIDs(ids) {
		m, seen := in.Members[id]
		b, registered := in.State.Brokers[id]
		switch {
		case seen && m.Alive:
			restarted := registered && !b.Fenced && b.Incarnation != m.Broker.Incarnation
			if restarted {
				plan.Commands = append(plan.Commands, &FenceBroker{ID: id})
			}
			if !registered || !sameRegistration(b, &m.Broker) {
				plan.Commands = append(plan.Commands, &RegisterBroker{Broker: m.Broker})
			}
			if registered && (b.Fenced || restarted) {
				plan.Commands = append(plan.Commands, &UnfenceBroker{ID: id})
			}
			plan.addRaft(in.Raft, m.Broker, m.AutoVoter)
		case registered && !b.Fenced && (seen || in.Now.Sub(in.LeaderSince) >= in.FenceGrace):
			plan.Commands = append(plan.Commands, &FenceBroker{ID: id})
		}
	}
	return plan
}

func (p *reconcilePlan) addRaft(cfg []raft.Server, b Broker, auto bool) {
	want := raft.Server{ID: raftID(b.ID), Address: raft.ServerAddress(b.RaftAddr), Suffrage: raft.Nonvoter}
	if b.ControllerEligible || auto && p.voters(cfg) < DesiredVoters {
		want.Suffrage = raft.Voter
	}
	for _, s := range cfg {
		if s.ID != want.ID {
			continue
		}
		// A voter stays a voter; only a changed address needs an update.
		if s.Address == want.Address && (s.Suffrage == raft.Voter || want.Suffrage == raft.Nonvoter) {
			return
		}
		if s.Suffrage == raft.Voter {
			want.Suffrage = raft.Voter
		}
	}
	if want.Suffrage == raft.Voter {
		p.Voters = append(p.Voters, want)
	} else {
		p.Nonvoters = append(p.Nonvoters, want)
	}
}

// DesiredVoters is how many voters the controller makes of brokers that
// leave the choice to it (Config.AutoVoter): the first three to join.
const DesiredVoters = 3

// voters counts the voters of cfg plus those the plan adds.
func (p *reconcilePlan) voters(cfg []raft.Server) int {
	n := len(p.Voters)
	for _, s := range cfg {
		if s.Suffrage == raft.Voter && !slices.ContainsFunc(p.Voters, func(v raft.Server) bool { return v.ID == s.ID }) {
			n++
		}
	}
	return n
}

func sameRegistration(a, b *Broker) bool {
	return a.KafkaAddr == b.KafkaAddr && a.RaftAddr == b.RaftAddr && a.GossipAddr == b.GossipAddr &&
		a.Rack == b.Rack && a.ControllerEligible == b.ControllerEligible && a.Incarnation == b.Incarnation
}

func raftID(id int32) raft.ServerID { return raft.ServerID(strconv.Itoa(int(id))) }

func sortedIDs(set map[int32]bool) []int32 {
	out := make([]int32, 0, len(set))
	for id := range set {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}
