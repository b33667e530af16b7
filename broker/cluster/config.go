package cluster

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"
)

// Config configures one node's Controller. The zero value of a field means
// its default, stated in the field's comment.
type Config struct {
	// NodeID is the broker id (Kafka's node.id), unique in the cluster. 0
	// is a valid id.
	NodeID int32
	// DataDir is the folder for the raft log (raft.db) and the metadata
	// snapshots (snapshots/). Required; give each node its own.
	DataDir string
	// KafkaAddr is the host:port Kafka clients are told to reach this
	// broker at. Required.
	KafkaAddr string
	// Rack is the broker's rack (broker.rack) for rack-aware assignment.
	// Default "" (no rack).
	Rack string
	// NonVoter makes this broker follow the metadata as a raft non-voter
	// instead of being controller-eligible. Default false: controller-
	// eligible (a raft voter). Keep 3 or 5 voters; the other brokers can
	// be non-voters.
	NonVoter bool
	// AutoVoter leaves the choice to the controller: it makes this broker
	// a voter while the cluster has fewer than DesiredVoters (3), a
	// non-voter otherwise, so the first three brokers to join are the
	// controller quorum. A broker that starts a new cluster is always a
	// voter. Default false; exclusive with NonVoter.
	AutoVoter bool

	// RaftAddr is the TCP address raft and forwarded commands listen on.
	// Port 0 picks a free port. Default "127.0.0.1:0".
	RaftAddr string
	// GossipAddr is the memberlist address (TCP and UDP, same port). Port
	// 0 picks a free port. Default "127.0.0.1:0".
	GossipAddr string
	// Seeds are gossip addresses of running members to join. A
	// controller-eligible node with no raft state and no seeds starts a
	// new cluster as its only voter; every other node joins through the
	// seeds and is added to raft by the controller. Default none.
	Seeds []string

	// Timing sets the failure-detection and election timeouts. Default
	// DefaultTiming() (failover in under 3 s); FastTiming() is under 1 s.
	Timing Timing

	// SnapshotThreshold is how many log entries raft keeps before it
	// snapshots the metadata and truncates the log. Default 8192.
	SnapshotThreshold uint64
	// DisableAutoLeaderRebalance turns off the periodic preferred-leader
	// election (auto.leader.rebalance.enable). Default false: enabled.
	DisableAutoLeaderRebalance bool
	// LeaderImbalancePercentage is the share of a broker's preferred
	// partitions it may fail to lead before a rebalance
	// (leader.imbalance.per.broker.percentage). Default 10.
	LeaderImbalancePercentage int
	// LeaderImbalanceCheckInterval is how often the controller checks
	// (leader.imbalance.check.interval.seconds). Default 300s.
	LeaderImbalanceCheckInterval time.Duration

	// Logger receives the controller's, raft's and memberlist's log lines.
	// Default slog.Default().
	Logger *slog.Logger
}

// Timing holds the timeouts that decide how fast failures are noticed.
// Shorter is faster failover and more false alarms under load (a GC pause
// or a busy machine looks like a dead node).
type Timing struct {
	// HeartbeatTimeout and ElectionTimeout: a raft follower that hears
	// nothing from the leader for a random time in [HeartbeatTimeout,
	// 2*HeartbeatTimeout] starts an election. LeaderLeaseTimeout is how
	// long a leader stays leader without reaching a quorum.
	HeartbeatTimeout   time.Duration
	ElectionTimeout    time.Duration
	LeaderLeaseTimeout time.Duration
	// ProbeInterval, ProbeTimeout and SuspicionMult are memberlist's: a
	// node is probed about every ProbeInterval, suspected when a probe
	// gets no answer within ProbeTimeout (direct and indirect), and
	// declared dead after SuspicionMult*ProbeInterval of suspicion (in
	// clusters under 10 nodes). GossipInterval spreads the news.
	ProbeInterval  time.Duration
	ProbeTimeout   time.Duration
	SuspicionMult  int
	GossipInterval time.Duration
	// PushPullInterval is how often a node syncs its whole member list
	// with another; it heals views that gossip left different (a broker
	// back on a new port while others still held it dead).
	PushPullInterval time.Duration
	// ReconcileInterval is how often the controller compares membership
	// with the metadata even without an event.
	ReconcileInterval time.Duration
	// FenceGrace is how long a new controller waits before fencing a
	// registered broker that its memberlist has not seen at all (after a
	// full restart members reappear one by one); a broker memberlist
	// declares dead is fenced at once.
	FenceGrace time.Duration
}

// DefaultTiming gives failover in under 3 s on a LAN: a dead broker is
// declared dead about 0.4-0.8 s (probe) + 1.2 s (suspicion) after it dies,
// and a dead controller is replaced within 0.5-1 s plus an election.
func DefaultTiming() Timing {
	return Timing{
		HeartbeatTimeout: 500 * time.Millisecond, ElectionTimeout: 500 * time.Millisecond, LeaderLeaseTimeout: 250 * time.Millisecond,
		ProbeInterval: 400 * time.Millisecond, ProbeTimeout: 200 * time.Millisecond, SuspicionMult: 3, GossipInterval: 100 * time.Millisecond,
		PushPullInterval: 5 * time.Second, ReconcileInterval: time.Second, FenceGrace: 5 * time.Second,
	}
}

// FastTiming gives failover in under 1 s on one machine or a quiet LAN
// (tests, demos): about 0.1-0.2 s to suspect and 0.2 s of suspicion; raft
// elections after 150-300 s of silence. Expect false alarms on a loaded
// host.
func FastTiming() Timing {
	return Timing{
		HeartbeatTimeout: 150 * time.Millisecond, ElectionTimeout: 150 * time.Millisecond, LeaderLeaseTimeout: 75 * time.Millisecond,
		ProbeInterval: 100 * time.Millisecond, ProbeTimeout: 50 * time.Millisecond, SuspicionMult: 2, GossipInterval: 50 * time.Millisecond,
		PushPullInterval: 2 * time.Second, ReconcileInterval: 250 * time.Millisecond, FenceGrace: 2 * time.Second,
	}
}

func (c Config) withDefaults() Config {
	if c.RaftAddr == "" {
		c.RaftAddr = "127.0.0.1:0"
	}
	if c.GossipAddr == "" {
		c.GossipAddr = "127.0.0.1:0"
	}
	if c.Timing == (Timing{}) {
		c.Timing = DefaultTiming()
	}
	if c.SnapshotThreshold == 0 {
		c.SnapshotThreshold = 8192
	}
	if c.LeaderImbalancePercentage == 0 {
		c.LeaderImbalancePercentage = DefaultImbalancePercentage
	}
	if c.LeaderImbalanceCheckInterval == 0 {
		c.LeaderImbalanceCheckInterval = 300 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// Validate reports the first problem with c in a sentence that says what
// to change. Zero fields are fine: they take their defaults.
func (c Config) Validate() error {
	d := c.withDefaults()
	t := d.Timing
	switch {
	case d.NodeID < 0:
		return fmt.Errorf("cluster: config: NodeID %d is negative; node ids are 0 or more", d.NodeID)
	case d.DataDir == "":
		return errors.New("cluster: config: DataDir is required (the folder for the raft log and snapshots)")
	case d.NonVoter && d.AutoVoter:
		return errors.New("cluster: config: NonVoter and AutoVoter exclude each other; set one")
	case d.NonVoter && len(d.Seeds) == 0:
		return errors.New("cluster: config: a NonVoter broker cannot start a cluster; give Seeds to join")
	case t.HeartbeatTimeout < 5*time.Millisecond || t.ElectionTimeout < 5*time.Millisecond:
		return fmt.Errorf("cluster: config: Timing.HeartbeatTimeout %v and ElectionTimeout %v must be at least 5ms", t.HeartbeatTimeout, t.ElectionTimeout)
	case t.LeaderLeaseTimeout <= 0 || t.LeaderLeaseTimeout > t.HeartbeatTimeout:
		return fmt.Errorf("cluster: config: Timing.LeaderLeaseTimeout %v must be positive and at most HeartbeatTimeout %v", t.LeaderLeaseTimeout, t.HeartbeatTimeout)
	case t.ProbeInterval <= 0 || t.ProbeTimeout <= 0 || t.ProbeTimeout >= t.ProbeInterval:
		return fmt.Errorf("cluster: config: Timing.ProbeTimeout %v must be positive and below ProbeInterval %v", t.ProbeTimeout, t.ProbeInterval)
	case t.SuspicionMult < 1 || t.GossipInterval <= 0 || t.PushPullInterval <= 0 || t.ReconcileInterval <= 0 || t.FenceGrace < 0:
		return errors.New("cluster: config: Timing.SuspicionMult must be at least 1 and GossipInterval, PushPullInterval, ReconcileInterval positive; start from DefaultTiming()")
	case d.LeaderImbalancePercentage < 0 || d.LeaderImbalancePercentage > 100:
		return fmt.Errorf("cluster: config: LeaderImbalancePercentage %d must be between 0 and 100", d.LeaderImbalancePercentage)
	}
	if _, _, err := net.SplitHostPort(d.KafkaAddr); err != nil {
		return fmt.Errorf("cluster: config: KafkaAddr %q is not host:port (the address clients reach this broker at)", d.KafkaAddr)
	}
	for _, a := range []struct{ name, v string }{{"RaftAddr", d.RaftAddr}, {"GossipAddr", d.GossipAddr}} {
		if _, _, err := net.SplitHostPort(a.v); err != nil {
			return fmt.Errorf("cluster: config: %s %q is not host:port", a.name, a.v)
		}
	}
	return nil
}
