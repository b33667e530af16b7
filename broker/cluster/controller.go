package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/memberlist"
	"github.com/hashicorp/raft"
)

// Controller is one node's part of the cluster control plane: a raft
// member (voter or non-voter) whose state machine is the metadata State, a
// memberlist member, and, while this node is the raft leader, the active
// controller that registers, fences and unfences brokers as membership
// changes, adds joining nodes to raft and rebalances leaders.
//
// Every node, voter or not, holds the whole metadata through raft, so
// Metadata and Watch are local reads on every broker; Apply works on every
// node and forwards to the controller when this node is not it.
type Controller struct {
	cfg     Config
	log     *slog.Logger
	store   *boltStore
	mux     *muxListener
	trans   *raft.NetworkTransport
	raft    *raft.Raft
	fsm     *fsm
	members *members
	ml      *memberlist.Memberlist
	// incarnation is this run's, gossiped and registered.
	incarnation uint64

	kickCh    chan struct{}
	done      chan struct{}
	wg        sync.WaitGroup
	closeOnce sync.Once
	closeErr  error
}

// applyTimeout bounds one raft apply or forward when the caller's context
// has no earlier deadline.
const applyTimeout = 5 * time.Second

// Start opens (or creates) this node's raft state in cfg.DataDir, starts
// raft, gossip and the forwarding listener, bootstraps a new cluster or
// joins cfg.Seeds, and returns without waiting for a controller (see
// WaitReady).
func Start(cfg Config) (c *Controller, err error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	c = &Controller{cfg: cfg, log: cfg.Logger.With("node", cfg.NodeID), kickCh: make(chan struct{}, 1), done: make(chan struct{})}
	var closers []func() error
	defer func() {
		if err != nil {
			for i := len(closers) - 1; i >= 0; i-- {
				_ = closers[i]()
			}
		}
	}()
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return nil, fmt.Errorf("cluster: creating data folder: %w", err)
	}
	if c.store, err = openBoltStore(filepath.Join(cfg.DataDir, "raft.db")); err != nil {
		return nil, err
	}
	closers = append(closers, c.store.Close)
	snaps, err := raft.NewFileSnapshotStoreWithLogger(cfg.DataDir, 2, hclogFor(c.log, "raft-snapshots"))
	if err != nil {
		return nil, fmt.Errorf("cluster: opening metadata snapshots in %s: %w", cfg.DataDir, err)
	}
	if c.mux, err = listenMux(cfg.RaftAddr, c.log); err != nil {
		return nil, err
	}
	closers = append(closers, c.mux.Close)
	advertise := c.mux.Addr()
	if ip := advertise.(*net.TCPAddr).IP; ip.IsUnspecified() {
		return nil, fmt.Errorf("cluster: RaftAddr %q must name an address other brokers can reach, not %s", cfg.RaftAddr, ip)
	}
	c.members = newMembers(c.log, c.kick)
	c.trans = raft.NewNetworkTransportWithConfig(&raft.NetworkTransportConfig{
		Stream: &raftStream{mux: c.mux, advertise: advertise}, MaxPool: 3, Timeout: applyTimeout,
		ServerAddressProvider: c.members, Logger: hclogFor(c.log, "raft-net"),
	})
	closers = append(closers, c.trans.Close)
	c.fsm = newFSM(c.log)
	hasState, err := raft.HasExistingState(c.store, c.store, snaps)
	if err != nil {
		return nil, fmt.Errorf("cluster: reading raft state in %s: %w", cfg.DataDir, err)
	}
	if c.raft, err = raft.NewRaft(c.raftConfig(), c.fsm, c.store, c.store, snaps, c.trans); err != nil {
		return nil, fmt.Errorf("cluster: starting raft: %w", err)
	}
	closers = append(closers, func() error { return c.raft.Shutdown().Error() })
	if !hasState && !cfg.NonVoter && len(cfg.Seeds) == 0 {
		c.log.Info("cluster: starting a new cluster with this broker as its first controller")
		boot := raft.Configuration{Servers: []raft.Server{{Suffrage: raft.Voter, ID: raftID(cfg.NodeID), Address: raft.ServerAddress(advertise.String())}}}
		if err := c.raft.BootstrapCluster(boot).Error(); err != nil {
			return nil, fmt.Errorf("cluster: bootstrapping raft: %w", err)
		}
	}
	c.incarnation = newIncarnation()
	meta := nodeMeta{ID: cfg.NodeID, Kafka: cfg.KafkaAddr, Raft: advertise.String(), Rack: cfg.Rack, Voter: !cfg.NonVoter && !cfg.AutoVoter, Auto: cfg.AutoVoter, Incarnation: c.incarnation}
	if c.ml, err = startMemberlist(cfg, meta, c.members); err != nil {
		return nil, err
	}
	c.mux.serve(c.handleForward)
	c.wg.Add(2)
	go c.joinLoop()
	go c.run()
	return c, nil
}

func (c *Controller) raftConfig() *raft.Config {
	t := c.cfg.Timing
	rc := raft.DefaultConfig()
	rc.LocalID = raftID(c.cfg.NodeID)
	rc.HeartbeatTimeout, rc.ElectionTimeout, rc.LeaderLeaseTimeout = t.HeartbeatTimeout, t.ElectionTimeout, t.LeaderLeaseTimeout
	rc.CommitTimeout = min(50*time.Millisecond, t.HeartbeatTimeout/5)
	rc.SnapshotThreshold, rc.TrailingLogs = c.cfg.SnapshotThreshold, c.cfg.SnapshotThreshold
	rc.Logger = hclogFor(c.log, "raft")
	return rc
}

// NodeID is this broker's id.
func (c *Controller) NodeID() int32 { return c.cfg.NodeID }

// ControllerID is the broker id of the current controller (the raft
// leader) as this node knows it, -1 if none: Metadata's ControllerID.
func (c *Controller) ControllerID() int32 {
	_, id := c.raft.LeaderWithID()
	n, err := strconv.ParseInt(string(id), 10, 32)
	if id == "" || err != nil {
		return -1
	}
	return int32(n)
}

// Reachable reports whether the gossip layer has not declared broker id
// dead: true for this broker, for a live member and for one memberlist has
// not reported yet. It is known without the controller, so a partition
// leader can refuse acks=all writes at once when its in-sync followers
// are gone, even while no controller quorum is left to shrink the ISR.
func (c *Controller) Reachable(id int32) bool {
	if id == c.cfg.NodeID {
		return true
	}
	m, ok := c.members.get(id)
	return !ok || m.Alive
}

// IsController reports whether this node is the controller now.
func (c *Controller) IsController() bool { return c.raft.State() == raft.Leader }

// Metadata returns the latest metadata this node has applied. The State is
// shared and must not be modified.
func (c *Controller) Metadata() *State {
	s, _ := c.fsm.current()
	return s
}

// Watch returns the latest metadata and a channel that is closed when newer
// metadata is published. Loop: s, ch := c.Watch(); act on s; <-ch. No
// change is missed, and a burst of changes wakes the loop once.
func (c *Controller) Watch() (*State, <-chan struct{}) { return c.fsm.current() }

// RaftAddr is the address raft and forwarded commands are served on.
func (c *Controller) RaftAddr() string { return c.mux.Addr().String() }

// GossipAddr is the memberlist address, to give other nodes as a seed.
func (c *Controller) GossipAddr() string { return c.ml.LocalNode().Address() }

// WaitReady waits until this run of the broker is registered and
// unfenced in this node's metadata, which the controller does once it
// sees the node alive: the point from which it can serve. (After a
// restart the metadata replayed from disk still shows the previous run;
// that does not count.)
func (c *Controller) WaitReady(ctx context.Context) error {
	for {
		_, ch := c.Watch()
		if c.registered() && c.ControllerID() >= 0 {
			return nil
		}
		select {
		case <-ch:
		case <-time.After(50 * time.Millisecond): // the controller id is not in the metadata
		case <-c.done:
			return ErrClosed
		case <-ctx.Done():
			return fmt.Errorf("cluster: broker %d not ready (controller %d): %w", c.cfg.NodeID, c.ControllerID(), ctx.Err())
		}
	}
}

// CreateTopic creates a topic with partitions and replication factor
// assigned over the live brokers, drawing its id.
func (c *Controller) CreateTopic(ctx context.Context, name string, partitions int32, replicationFactor int16, configs map[string]string) (*Topic, error) {
	res, err := c.Apply(ctx, &CreateTopic{ID: NewTopicID(), Name: name, Partitions: partitions, ReplicationFactor: replicationFactor, Configs: configs})
	if err != nil {
		return nil, err
	}
	return res.Topic, nil
}

// Crash stops the node as a crash looks to the others: no goodbye to the
// gossip cluster and no hand-over of raft leadership, so they notice only
// through failure detection. It is for fault tests of in-process clusters
// (a killed process does the same).
func (c *Controller) Crash() error { return c.shutdown(false) }

// Close leaves the cluster gracefully: it tells the gossip cluster it is
// leaving (the controller fences it and moves its leaderships at once),
// hands raft leadership to another voter if it has it, and stops.
func (c *Controller) Close() error { return c.shutdown(true) }

// shutdown stops the node; graceful=false stops it as a crash would look
// to the others (no leave, no leadership transfer).
func (c *Controller) shutdown(graceful bool) error {
	c.closeOnce.Do(func() {
		close(c.done)
		if graceful {
			if err := c.ml.Leave(2 * c.cfg.Timing.ProbeInterval); err != nil {
				c.log.Warn("cluster: leaving the gossip cluster", "err", err)
			}
			if c.raft.State() == raft.Leader {
				_ = c.raft.LeadershipTransfer().Error()
			}
		}
		errs := []error{c.raft.Shutdown().Error(), c.trans.Close(), c.ml.Shutdown(), c.mux.Close()}
		c.wg.Wait()
		errs = append(errs, c.store.Close())
		c.closeErr = errors.Join(errs...)
	})
	return c.closeErr
}
