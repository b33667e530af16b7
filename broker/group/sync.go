package group

import (
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
)

// Sync handles a SyncGroup request; reply is called once, now or when the
// leader's assignment arrives.
func (g *Group) Sync(now time.Time, req SyncRequest, reply func(SyncResult)) {
	m := g.members[req.MemberID]
	switch {
	case g.state == Dead:
		reply(SyncResult{ErrorCode: kerr.CoordinatorNotAvailable.Code})
		return
	case m == nil:
		reply(SyncResult{ErrorCode: kerr.UnknownMemberID.Code})
		return
	case req.Generation != g.generation:
		reply(SyncResult{ErrorCode: kerr.IllegalGeneration.Code})
		return
	case req.ProtocolType != nil && *req.ProtocolType != g.protocolType,
		req.Protocol != nil && *req.Protocol != g.protocol:
		reply(SyncResult{ErrorCode: kerr.InconsistentGroupProtocol.Code})
		return
	}
	m.lastSeen = now
	switch g.state {
	case PreparingRebalance:
		reply(SyncResult{ErrorCode: kerr.RebalanceInProgress.Code})
	case CompletingRebalance:
		if m.syncReply != nil {
			m.syncReply(SyncResult{ErrorCode: kerr.RebalanceInProgress.Code})
		}
		m.syncReply = reply
		if m.id == g.leader {
			g.completeSync(req.Assignments)
		}
	case Stable:
		reply(g.syncResult(m))
	}
}

// completeSync stores the leader's assignments and answers every member
// waiting in SyncGroup; members that sync later are answered at once.
func (g *Group) completeSync(assignments map[string][]byte) {
	for id, m := range g.members {
		m.assignment = assignments[id]
	}
	g.state = Stable
	for _, id := range g.order {
		m := g.members[id]
		if m.syncReply != nil {
			r := m.syncReply
			m.syncReply = nil
			r(g.syncResult(m))
		}
	}
}

func (g *Group) syncResult(m *member) SyncResult {
	a := m.assignment
	if a == nil {
		a = []byte{}
	}
	return SyncResult{ProtocolType: g.protocolType, Protocol: g.protocol, Assignment: a}
}

// Heartbeat handles a Heartbeat request and returns its error code.
func (g *Group) Heartbeat(now time.Time, memberID string, generation int32) int16 {
	m := g.members[memberID]
	switch {
	case g.state == Dead:
		return kerr.CoordinatorNotAvailable.Code
	case m == nil:
		return kerr.UnknownMemberID.Code
	case generation != g.generation:
		return kerr.IllegalGeneration.Code
	}
	m.lastSeen = now
	if g.state == PreparingRebalance {
		return kerr.RebalanceInProgress.Code
	}
	return 0
}

// Leave removes a member (LeaveGroup) and rebalances the rest.
func (g *Group) Leave(now time.Time, memberID string) int16 {
	m := g.members[memberID]
	if g.state == Dead {
		return kerr.CoordinatorNotAvailable.Code
	}
	if m == nil {
		return kerr.UnknownMemberID.Code
	}
	g.drop(now, m, kerr.UnknownMemberID.Code)
	return 0
}

// drop removes m, failing its waiting requests with code, and rebalances.
func (g *Group) drop(now time.Time, m *member, code int16) {
	if m.joinReply != nil {
		m.joinReply(JoinResult{ErrorCode: code, MemberID: m.id, Generation: -1})
		m.joinReply = nil
	}
	if m.syncReply != nil {
		m.syncReply(SyncResult{ErrorCode: code})
		m.syncReply = nil
	}
	g.remove(m.id)
	if g.state == Stable || g.state == CompletingRebalance {
		g.prepareRebalance(now)
	}
	g.maybeCompleteJoin(now)
}

// Tick expires sessions and pending member ids and ends rebalances whose
// time is up. The broker calls it periodically.
func (g *Group) Tick(now time.Time) {
	for id, exp := range g.pending {
		if now.After(exp) {
			delete(g.pending, id)
		}
	}
	for _, id := range append([]string(nil), g.order...) {
		if m := g.members[id]; m != nil && m.expired(now) {
			g.drop(now, m, kerr.UnknownMemberID.Code)
		}
	}
	switch g.state {
	case PreparingRebalance:
		g.maybeCompleteJoin(now)
	case CompletingRebalance:
		if !now.Before(g.syncDeadline) {
			// The leader never sent its assignment: drop the members that
			// did not sync and try again with the rest.
			for _, id := range append([]string(nil), g.order...) {
				if m := g.members[id]; m != nil && m.syncReply == nil {
					g.drop(now, m, kerr.UnknownMemberID.Code)
				}
			}
			if g.state == CompletingRebalance {
				g.prepareRebalance(now)
			}
		}
	}
}

// CanCommit reports whether an OffsetCommit from memberID at generation
// may be applied (0) or its error code. Generation -1 with no member id is
// an admin or simple-consumer commit, allowed only while the group has no
// members.
func (g *Group) CanCommit(memberID string, generation int32) int16 {
	if g.state == Dead {
		return kerr.CoordinatorNotAvailable.Code
	}
	if generation < 0 && memberID == "" {
		if len(g.members) == 0 {
			return 0
		}
		return kerr.UnknownMemberID.Code
	}
	if g.state == CompletingRebalance {
		return kerr.RebalanceInProgress.Code
	}
	if _, ok := g.members[memberID]; !ok {
		return kerr.UnknownMemberID.Code
	}
	if generation != g.generation {
		return kerr.IllegalGeneration.Code
	}
	return 0
}

// Kill marks the group Dead (deleted): waiting requests fail with
// COORDINATOR_NOT_AVAILABLE so clients look the coordinator up again.
func (g *Group) Kill() {
	for _, m := range g.members {
		if m.joinReply != nil {
			m.joinReply(JoinResult{ErrorCode: kerr.CoordinatorNotAvailable.Code, MemberID: m.id, Generation: -1})
		}
		if m.syncReply != nil {
			m.syncReply(SyncResult{ErrorCode: kerr.CoordinatorNotAvailable.Code})
		}
	}
	g.members, g.order = map[string]*member{}, nil
	g.state = Dead
}

// Describe returns the group for DescribeGroups.
func (g *Group) Describe() Description {
	d := Description{State: g.state, ProtocolType: g.protocolType, Protocol: g.protocol, Generation: g.generation}
	for _, id := range g.order {
		m := g.members[id]
		d.Members = append(d.Members, MemberDescription{
			MemberID: id, ClientID: m.clientID, ClientHost: m.clientHost,
			Metadata: m.metadata(g.protocol), Assignment: m.assignment,
		})
	}
	return d
}
