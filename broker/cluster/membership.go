package cluster

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/memberlist"
	"github.com/hashicorp/raft"

	"github.com/spate-io/spate/internal/gossip"
)

// nodeMeta is what a node gossips about itself (memberlist node meta,
// at most 512 bytes). The gossip address is the memberlist node's own.
type nodeMeta struct {
	ID    int32  `json:"id"`
	Kafka string `json:"kafka"`
	Raft  string `json:"raft"`
	Rack  string `json:"rack,omitempty"`
	Voter bool   `json:"voter"`
	// Auto leaves voter or non-voter to the controller (Config.AutoVoter).
	Auto bool `json:"auto,omitempty"`
	// Incarnation is random per process start.
	Incarnation uint64 `json:"inc"`
}

// member is what this node knows of another through memberlist.
type member struct {
	Broker Broker
	// AutoVoter: the broker leaves voter or non-voter to the controller.
	AutoVoter bool
	Alive     bool
	// Since is when Alive last changed.
	Since time.Time
}

// members is the membership table, fed by memberlist's events. It is also
// raft's ServerAddressProvider: raft dials a server at the raft address
// its node gossips now, so a node that restarts on another port is still
// reached.
type members struct {
	log  *slog.Logger
	kick func()

	mu   sync.Mutex
	byID map[int32]member
}

func newMembers(log *slog.Logger, kick func()) *members {
	return &members{log: log, kick: kick, byID: map[int32]member{}}
}

func nodeName(id int32) string { return "broker-" + strconv.Itoa(int(id)) }

func (m *members) fromNode(n *memberlist.Node) (Broker, bool, bool) {
	var meta nodeMeta
	if err := json.Unmarshal(n.Meta, &meta); err != nil || nodeName(meta.ID) != n.Name {
		m.log.Warn("cluster: ignoring a gossip member with unreadable metadata (is another product on this gossip port?)", "node", n.Name, "addr", n.Address())
		return Broker{}, false, false
	}
	return Broker{ID: meta.ID, KafkaAddr: meta.Kafka, RaftAddr: meta.Raft, GossipAddr: n.Address(), Rack: meta.Rack,
		ControllerEligible: meta.Voter, Incarnation: meta.Incarnation}, meta.Auto, true
}

func (m *members) set(n *memberlist.Node, alive bool) {
	b, auto, ok := m.fromNode(n)
	if !ok {
		return
	}
	m.mu.Lock()
	old, had := m.byID[b.ID]
	since := old.Since
	if !had || old.Alive != alive {
		since = time.Now()
	}
	m.byID[b.ID] = member{Broker: b, AutoVoter: auto, Alive: alive, Since: since}
	m.mu.Unlock()
	if !had || old.Alive != alive || old.Broker != b {
		m.log.Info("cluster: member changed", "broker", b.ID, "alive", alive, "gossip", b.GossipAddr, "raft", b.RaftAddr)
	}
	m.kick()
}

// NotifyJoin, NotifyLeave and NotifyUpdate are memberlist's EventDelegate.
// NotifyLeave comes for a graceful leave and for a node declared dead
// after its suspicion timeout.
func (m *members) NotifyJoin(n *memberlist.Node)   { m.set(n, true) }
func (m *members) NotifyLeave(n *memberlist.Node)  { m.set(n, false) }
func (m *members) NotifyUpdate(n *memberlist.Node) { m.set(n, true) }

// snapshot copies the table.
func (m *members) snapshot() map[int32]member {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[int32]member, len(m.byID))
	for id, mb := range m.byID {
		out[id] = mb
	}
	return out
}

func (m *members) get(id int32) (member, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	mb, ok := m.byID[id]
	return mb, ok
}

// ServerAddr resolves a raft server id (the broker id) to its current raft
// address.
func (m *members) ServerAddr(id raft.ServerID) (raft.ServerAddress, error) {
	n, err := strconv.ParseInt(string(id), 10, 32)
	if err != nil {
		return "", fmt.Errorf("cluster: raft server id %q is not a broker id", id)
	}
	mb, ok := m.get(int32(n))
	if !ok || mb.Broker.RaftAddr == "" {
		return "", fmt.Errorf("cluster: no gossip member for broker %d yet", n)
	}
	return raft.ServerAddress(mb.Broker.RaftAddr), nil
}

// startMemberlist binds memberlist on cfg.GossipAddr with this node's
// meta. Names are broker ids, so a broker that crashed and came back on
// another port takes its name back as soon as the old incarnation is
// declared dead (gossip.Start): two live brokers with one id are a
// configuration error raft and the metadata would not survive anyway.
func startMemberlist(cfg Config, meta nodeMeta, events *members) (*memberlist.Memberlist, error) {
	t := cfg.Timing
	ml, err := gossip.Start(gossip.Config{
		Name: nodeName(cfg.NodeID), Bind: cfg.GossipAddr, Meta: meta,
		ProbeInterval: t.ProbeInterval, ProbeTimeout: t.ProbeTimeout, SuspicionMult: t.SuspicionMult,
		GossipInterval: t.GossipInterval, PushPullInterval: t.PushPullInterval,
		TCPTimeout: max(time.Second, 4*t.ProbeInterval),
		Events:     events,
		Logger:     stdLoggerFor(cfg.Logger.With("component", "memberlist")),
	})
	if err != nil {
		return nil, fmt.Errorf("cluster: %w", err)
	}
	return ml, nil
}
