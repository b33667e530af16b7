package group

import (
	"fmt"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
)

// harness drives a Group with a fake clock and records replies.
type harness struct {
	t     *testing.T
	g     *Group
	now   time.Time
	joins map[string]*JoinResult // by client id
	syncs map[string]*SyncResult
	n     int
}

func newHarness(t *testing.T, delay time.Duration) *harness {
	h := &harness{t: t, now: time.Unix(1000, 0), joins: map[string]*JoinResult{}, syncs: map[string]*SyncResult{}}
	h.g = New("g", Config{InitialRebalanceDelay: delay, NewMemberID: func(c string) string { h.n++; return fmt.Sprintf("%s-%d", c, h.n) }})
	return h
}

func (h *harness) join(client, memberID string, protos ...string) {
	if len(protos) == 0 {
		protos = []string{"range"}
	}
	var ps []Protocol
	for _, p := range protos {
		ps = append(ps, Protocol{Name: p, Metadata: []byte(client)})
	}
	delete(h.joins, client)
	h.g.Join(h.now, JoinRequest{MemberID: memberID, ClientID: client, ProtocolType: "consumer", Protocols: ps,
		SessionTimeout: 10 * time.Second, RebalanceTimeout: 30 * time.Second},
		func(r JoinResult) { h.joins[client] = &r })
}

func (h *harness) sync(client, memberID string, gen int32, assign map[string][]byte) {
	delete(h.syncs, client)
	h.g.Sync(h.now, SyncRequest{MemberID: memberID, Generation: gen, Assignments: assign}, func(r SyncResult) { h.syncs[client] = &r })
}

func (h *harness) advance(d time.Duration) {
	h.now = h.now.Add(d)
	h.g.Tick(h.now)
}

func (h *harness) wantState(s State) {
	h.t.Helper()
	if h.g.State() != s {
		h.t.Fatalf("state %v, want %v", h.g.State(), s)
	}
}

func TestSingleMemberLifecycle(t *testing.T) {
	h := newHarness(t, 0)
	h.join("a", "")
	r := h.joins["a"]
	if r == nil || r.ErrorCode != 0 || r.Generation != 1 || r.LeaderID != r.MemberID || len(r.Members) != 1 || r.Protocol != "range" {
		t.Fatalf("join: %+v", r)
	}
	h.wantState(CompletingRebalance)
	h.sync("a", r.MemberID, 1, map[string][]byte{r.MemberID: []byte("x")})
	if s := h.syncs["a"]; s == nil || s.ErrorCode != 0 || string(s.Assignment) != "x" {
		t.Fatalf("sync: %+v", s)
	}
	h.wantState(Stable)
	if c := h.g.Heartbeat(h.now, r.MemberID, 1); c != 0 {
		t.Fatalf("heartbeat: %v", kerr.ErrorForCode(c))
	}
	if c := h.g.Heartbeat(h.now, r.MemberID, 7); c != kerr.IllegalGeneration.Code {
		t.Fatalf("heartbeat wrong gen: %v", kerr.ErrorForCode(c))
	}
	if c := h.g.CanCommit(r.MemberID, 1); c != 0 {
		t.Fatalf("commit: %v", kerr.ErrorForCode(c))
	}
	if c := h.g.Leave(h.now, r.MemberID); c != 0 {
		t.Fatal(c)
	}
	h.wantState(Empty)
	if h.g.Generation() != 2 {
		t.Fatalf("generation %d after the last member left, want 2", h.g.Generation())
	}
	if c := h.g.CanCommit("", -1); c != 0 {
		t.Fatalf("admin commit on empty group: %v", kerr.ErrorForCode(c))
	}
}

func TestInitialDelayCollectsMembers(t *testing.T) {
	h := newHarness(t, 3*time.Second)
	h.join("a", "")
	h.advance(2 * time.Second)
	h.join("b", "")
	h.advance(2 * time.Second) // a's delay has passed, but b extended it
	if len(h.joins) != 0 {
		t.Fatalf("joined before the extended delay: %+v", h.joins)
	}
	h.advance(1100 * time.Millisecond)
	ra, rb := h.joins["a"], h.joins["b"]
	if ra == nil || rb == nil || ra.Generation != 1 || rb.Generation != 1 || ra.LeaderID != ra.MemberID || len(ra.Members) != 2 || len(rb.Members) != 0 {
		t.Fatalf("joins: %+v %+v", ra, rb)
	}
}

func TestRebalanceOnJoinAndLeave(t *testing.T) {
	h := newHarness(t, 0)
	h.join("a", "")
	a := h.joins["a"].MemberID
	h.sync("a", a, 1, map[string][]byte{a: []byte("all")})
	h.join("b", "")
	h.wantState(PreparingRebalance)
	if c := h.g.Heartbeat(h.now, a, 1); c != kerr.RebalanceInProgress.Code {
		t.Fatalf("heartbeat during rebalance: %v", kerr.ErrorForCode(c))
	}
	h.join("a", a)
	ra, rb := h.joins["a"], h.joins["b"]
	if ra == nil || rb == nil || ra.Generation != 2 || rb.Generation != 2 || ra.LeaderID != a {
		t.Fatalf("joins: %+v %+v", ra, rb)
	}
	b := rb.MemberID
	h.sync("b", b, 2, nil)
	if h.syncs["b"] != nil {
		t.Fatal("follower sync answered before the leader's")
	}
	h.sync("a", a, 2, map[string][]byte{a: []byte("1"), b: []byte("2")})
	if string(h.syncs["b"].Assignment) != "2" || string(h.syncs["a"].Assignment) != "1" {
		t.Fatalf("syncs: %+v %+v", h.syncs["a"], h.syncs["b"])
	}
	h.g.Leave(h.now, b)
	h.wantState(PreparingRebalance)
	h.join("a", a)
	if r := h.joins["a"]; r.Generation != 3 || len(r.Members) != 1 {
		t.Fatalf("after leave: %+v", r)
	}
}

func TestSessionExpiry(t *testing.T) {
	h := newHarness(t, 0)
	h.join("a", "")
	a := h.joins["a"].MemberID
	h.sync("a", a, 1, map[string][]byte{a: nil})
	h.advance(5 * time.Second)
	h.g.Heartbeat(h.now, a, 1)
	h.advance(9 * time.Second)
	h.wantState(Stable)
	h.advance(2 * time.Second)
	h.wantState(Empty)
	if c := h.g.Heartbeat(h.now, a, 1); c != kerr.UnknownMemberID.Code {
		t.Fatalf("heartbeat of an expired member: %v", kerr.ErrorForCode(c))
	}
}

func TestRebalanceTimeoutDropsMembersThatDoNotRejoin(t *testing.T) {
	h := newHarness(t, 0)
	h.join("a", "")
	a := h.joins["a"].MemberID
	h.join("b", "")
	h.join("a", a)
	b := h.joins["b"].MemberID
	h.sync("a", a, 2, map[string][]byte{})
	h.sync("b", b, 2, nil)
	h.join("c", "") // rebalance; b never rejoins
	h.join("a", a)
	for i := 0; i < 5; i++ { // b heartbeats (told to rejoin) but does not
		h.advance(5 * time.Second)
		h.g.Heartbeat(h.now, b, 2)
	}
	h.advance(4 * time.Second)
	if h.joins["a"] != nil && h.joins["a"].Generation == 3 {
		t.Fatal("completed before the rebalance timeout")
	}
	h.advance(2 * time.Second)
	if r := h.joins["a"]; r == nil || r.Generation != 3 || len(r.Members) != 2 {
		t.Fatalf("after timeout: %+v", r)
	}
}

func TestMemberIDRequired(t *testing.T) {
	h := newHarness(t, 0)
	h.g.Join(h.now, JoinRequest{ClientID: "a", ProtocolType: "consumer", Protocols: []Protocol{{Name: "range"}},
		SessionTimeout: 10 * time.Second, RebalanceTimeout: time.Second, RequireKnownMemberID: true},
		func(r JoinResult) { h.joins["a"] = &r })
	r := h.joins["a"]
	if r.ErrorCode != kerr.MemberIDRequired.Code || r.MemberID == "" {
		t.Fatalf("first join: %+v", r)
	}
	h.join("a", r.MemberID)
	if r2 := h.joins["a"]; r2.ErrorCode != 0 || r2.MemberID != r.MemberID {
		t.Fatalf("second join: %+v", r2)
	}
	h.join("x", "never-issued")
	if h.joins["x"].ErrorCode != kerr.UnknownMemberID.Code {
		t.Fatalf("unknown id: %+v", h.joins["x"])
	}
}

func TestJoinValidation(t *testing.T) {
	h := newHarness(t, 0)
	h.join("a", "", "range")
	for _, tc := range []struct {
		name string
		req  JoinRequest
		want int16
	}{
		{"session too short", JoinRequest{ProtocolType: "consumer", Protocols: []Protocol{{Name: "range"}}, SessionTimeout: time.Second}, kerr.InvalidSessionTimeout.Code},
		{"no protocols", JoinRequest{ProtocolType: "consumer", SessionTimeout: 10 * time.Second}, kerr.InconsistentGroupProtocol.Code},
		{"other protocol type", JoinRequest{ProtocolType: "connect", Protocols: []Protocol{{Name: "range"}}, SessionTimeout: 10 * time.Second}, kerr.InconsistentGroupProtocol.Code},
		{"no common protocol", JoinRequest{ProtocolType: "consumer", Protocols: []Protocol{{Name: "sticky"}}, SessionTimeout: 10 * time.Second}, kerr.InconsistentGroupProtocol.Code},
	} {
		var got JoinResult
		h.g.Join(h.now, tc.req, func(r JoinResult) { got = r })
		if got.ErrorCode != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, kerr.ErrorForCode(got.ErrorCode), kerr.ErrorForCode(tc.want))
		}
	}
}

func TestProtocolSelection(t *testing.T) {
	h := newHarness(t, time.Second)
	h.join("a", "", "cooperative-sticky", "range")
	h.join("b", "", "range", "cooperative-sticky")
	h.join("c", "", "range")
	h.advance(2 * time.Second)
	if r := h.joins["a"]; r == nil || r.Protocol != "range" {
		t.Fatalf("protocol: %+v", r)
	}
}

func TestCommitChecks(t *testing.T) {
	h := newHarness(t, 0)
	h.join("a", "")
	a := h.joins["a"].MemberID
	for _, tc := range []struct {
		member string
		gen    int32
		want   int16
	}{
		{a, 1, kerr.RebalanceInProgress.Code}, // CompletingRebalance
		{"", -1, kerr.UnknownMemberID.Code},
	} {
		if got := h.g.CanCommit(tc.member, tc.gen); got != tc.want {
			t.Errorf("CanCommit(%q,%d) = %v, want %v", tc.member, tc.gen, kerr.ErrorForCode(got), kerr.ErrorForCode(tc.want))
		}
	}
	h.sync("a", a, 1, nil)
	if got := h.g.CanCommit("stranger", 1); got != kerr.UnknownMemberID.Code {
		t.Errorf("stranger: %v", kerr.ErrorForCode(got))
	}
	if got := h.g.CanCommit(a, 0); got != kerr.IllegalGeneration.Code {
		t.Errorf("old generation: %v", kerr.ErrorForCode(got))
	}
}

func TestFollowerRejoinKeepsGeneration(t *testing.T) {
	h := newHarness(t, time.Second)
	h.join("a", "")
	h.join("b", "")
	h.advance(2 * time.Second)
	a, b := h.joins["a"].MemberID, h.joins["b"].MemberID
	h.sync("a", a, 1, map[string][]byte{a: []byte("1"), b: []byte("2")})
	h.join("b", b)
	if r := h.joins["b"]; r.Generation != 1 {
		t.Fatalf("follower rejoin: %+v", r)
	}
	h.wantState(Stable)
}
