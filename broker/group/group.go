package group

import (
	"slices"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
)

// Group is one consumer group's membership state machine. It is not safe
// for concurrent use: the broker serialises calls per group.
type Group struct {
	id  string
	cfg Config

	state        State
	generation   int32
	protocolType string
	protocol     string
	leader       string
	members      map[string]*member
	order        []string             // member ids in join order
	pending      map[string]time.Time // KIP-394 ids handed out, by expiry

	// rebalanceDeadline ends PreparingRebalance; while initialDelay is set
	// the join waits for it even when every member has joined, and each new
	// member pushes it out by the delay up to initialCap.
	rebalanceDeadline time.Time
	initialDelay      bool
	initialCap        time.Time
	// syncDeadline ends CompletingRebalance if the leader never syncs.
	syncDeadline time.Time
}

// New returns an empty group.
func New(id string, cfg Config) *Group {
	return &Group{id: id, cfg: cfg.withDefaults(), members: map[string]*member{}, pending: map[string]time.Time{}}
}

// ID is the group id.
func (g *Group) ID() string { return g.id }

// State is the group's current state.
func (g *Group) State() State { return g.state }

// Generation is the current generation id (0 before the first rebalance).
func (g *Group) Generation() int32 { return g.generation }

// ProtocolType is the members' protocol type ("consumer"), "" when empty.
func (g *Group) ProtocolType() string { return g.protocolType }

// NumMembers is how many members the group has.
func (g *Group) NumMembers() int { return len(g.members) }

// Join handles a JoinGroup request; reply is called once, now or when the
// rebalance completes.
func (g *Group) Join(now time.Time, req JoinRequest, reply func(JoinResult)) {
	if code := g.checkJoin(req); code != 0 {
		reply(JoinResult{ErrorCode: code, MemberID: req.MemberID, Generation: -1})
		return
	}
	if req.MemberID == "" {
		id := g.cfg.NewMemberID(req.ClientID)
		if req.RequireKnownMemberID {
			g.pending[id] = now.Add(req.SessionTimeout)
			reply(JoinResult{ErrorCode: kerr.MemberIDRequired.Code, MemberID: id, Generation: -1})
			return
		}
		g.addMember(now, id, req, reply)
		return
	}
	m := g.members[req.MemberID]
	if m == nil {
		if _, ok := g.pending[req.MemberID]; ok {
			delete(g.pending, req.MemberID)
			g.addMember(now, req.MemberID, req, reply)
			return
		}
		reply(JoinResult{ErrorCode: kerr.UnknownMemberID.Code, MemberID: req.MemberID, Generation: -1})
		return
	}
	g.rejoin(now, m, req, reply)
}

func (g *Group) checkJoin(req JoinRequest) int16 {
	switch {
	case g.state == Dead:
		return kerr.CoordinatorNotAvailable.Code
	case req.SessionTimeout < g.cfg.MinSessionTimeout || req.SessionTimeout > g.cfg.MaxSessionTimeout:
		return kerr.InvalidSessionTimeout.Code
	case req.ProtocolType == "" || len(req.Protocols) == 0:
		return kerr.InconsistentGroupProtocol.Code
	case len(g.members) > 0 && !g.acceptsProtocols(req):
		return kerr.InconsistentGroupProtocol.Code
	}
	return 0
}

// acceptsProtocols reports whether a member asking for req could join: the
// same protocol type and at least one protocol every other member supports.
func (g *Group) acceptsProtocols(req JoinRequest) bool {
	if req.ProtocolType != g.memberProtocolType() {
		return false
	}
	for _, p := range req.Protocols {
		all := true
		for id, m := range g.members {
			if id != req.MemberID && !m.supports(p.Name) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

func (g *Group) memberProtocolType() string {
	for _, id := range g.order {
		return g.members[id].protocolType
	}
	return ""
}

func (g *Group) addMember(now time.Time, id string, req JoinRequest, reply func(JoinResult)) {
	m := newMember(id, now, req)
	m.joinReply = reply
	g.members[id] = m
	g.order = append(g.order, id)
	switch g.state {
	case PreparingRebalance:
		if g.initialDelay {
			g.rebalanceDeadline = minTime(now.Add(g.cfg.InitialRebalanceDelay), g.initialCap)
		}
	default:
		g.prepareRebalance(now)
	}
	g.maybeCompleteJoin(now)
}

func (g *Group) rejoin(now time.Time, m *member, req JoinRequest, reply func(JoinResult)) {
	same := m.sameProtocols(req)
	switch g.state {
	case CompletingRebalance, Stable:
		// A follower rejoining with unchanged metadata gets the current
		// generation again, without disturbing the others (Kafka does the
		// same); the leader or a changed member starts a rebalance.
		if same && (g.state == CompletingRebalance || m.id != g.leader) {
			m.lastSeen = now
			reply(g.joinResult(m))
			return
		}
		m.update(now, req)
		m.joinReply = reply
		g.prepareRebalance(now)
	case PreparingRebalance:
		if m.joinReply != nil {
			// A retried JoinGroup replaces the earlier one, whose
			// connection is most likely gone.
			m.joinReply(JoinResult{ErrorCode: kerr.RebalanceInProgress.Code, MemberID: m.id, Generation: -1})
		}
		m.update(now, req)
		m.joinReply = reply
	}
	g.maybeCompleteJoin(now)
}

func (g *Group) prepareRebalance(now time.Time) {
	if g.state == CompletingRebalance {
		for _, m := range g.members {
			if m.syncReply != nil {
				r := m.syncReply
				m.syncReply = nil
				r(SyncResult{ErrorCode: kerr.RebalanceInProgress.Code})
			}
		}
	}
	for _, m := range g.members {
		m.assignment = nil
	}
	wasEmpty := g.state == Empty
	g.state = PreparingRebalance
	g.initialDelay = wasEmpty && g.cfg.InitialRebalanceDelay > 0
	if g.initialDelay {
		g.rebalanceDeadline = now.Add(g.cfg.InitialRebalanceDelay)
		g.initialCap = now.Add(g.maxRebalanceTimeout())
		g.rebalanceDeadline = minTime(g.rebalanceDeadline, g.initialCap)
		return
	}
	g.rebalanceDeadline = now.Add(g.maxRebalanceTimeout())
}

func (g *Group) maxRebalanceTimeout() time.Duration {
	var d time.Duration
	for _, m := range g.members {
		d = max(d, m.rebalanceTimeout)
	}
	return d
}

func (g *Group) allJoined() bool {
	for _, m := range g.members {
		if m.joinReply == nil {
			return false
		}
	}
	return true
}

func (g *Group) maybeCompleteJoin(now time.Time) {
	if g.state != PreparingRebalance {
		return
	}
	if (!g.initialDelay && g.allJoined()) || !now.Before(g.rebalanceDeadline) {
		g.completeJoin(now)
	}
}

// completeJoin starts the next generation with the members that rejoined.
func (g *Group) completeJoin(now time.Time) {
	for _, id := range slices.Clone(g.order) {
		if g.members[id].joinReply == nil {
			g.remove(id)
		}
	}
	g.generation++
	g.initialDelay = false
	if len(g.members) == 0 {
		g.state, g.protocolType, g.protocol, g.leader = Empty, "", "", ""
		return
	}
	g.protocolType = g.memberProtocolType()
	g.protocol = g.selectProtocol()
	if _, ok := g.members[g.leader]; !ok {
		g.leader = g.order[0]
	}
	g.state = CompletingRebalance
	g.syncDeadline = now.Add(g.maxRebalanceTimeout())
	for _, id := range g.order {
		m := g.members[id]
		m.lastSeen = now
		r := m.joinReply
		m.joinReply = nil
		r(g.joinResult(m))
	}
}

func (g *Group) joinResult(m *member) JoinResult {
	res := JoinResult{Generation: g.generation, ProtocolType: g.protocolType, Protocol: g.protocol, LeaderID: g.leader, MemberID: m.id}
	if m.id == g.leader {
		for _, id := range g.order {
			res.Members = append(res.Members, JoinMember{MemberID: id, Metadata: g.members[id].metadata(g.protocol)})
		}
	}
	return res
}

// selectProtocol picks, among the protocols every member supports, the one
// most members prefer; ties go to the earliest member's preference.
func (g *Group) selectProtocol() string {
	first := g.members[g.order[0]]
	var candidates []string
	for _, p := range first.protocols {
		all := true
		for _, m := range g.members {
			all = all && m.supports(p.Name)
		}
		if all {
			candidates = append(candidates, p.Name)
		}
	}
	votes := map[string]int{}
	for _, m := range g.members {
		for _, p := range m.protocols {
			if slices.Contains(candidates, p.Name) {
				votes[p.Name]++
				break
			}
		}
	}
	best := ""
	for _, c := range candidates {
		if best == "" || votes[c] > votes[best] {
			best = c
		}
	}
	return best
}

func (g *Group) remove(id string) {
	delete(g.members, id)
	g.order = slices.DeleteFunc(g.order, func(s string) bool { return s == id })
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
