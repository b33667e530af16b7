package cluster

import (
	"context"
	"crypto/rand"
	"encoding/binary"
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
	"github.com/twmb/franz-go/pkg/kerr"
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
	meta := nodeMeta{ID: cfg.NodeID, Kafka: cfg.KafkaAddr, Raft: advertise.String(), Rack: cfg.Rack, Voter: !cfg.NonVoter, Incarnation: c.incarnation}
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

// joinLoop joins the seeds, retrying until one answers (a broker may start
// before the members it names), and joins again while the metadata does
// not show this node registered at its current addresses: members that
// still held an earlier incarnation of this node refused its first
// announcement until they declared that one dead.
func (c *Controller) joinLoop() {
	defer c.wg.Done()
	if len(c.cfg.Seeds) == 0 {
		return
	}
	wait := 100 * time.Millisecond
	for joined := false; !joined || !c.registered(); {
		n, err := c.ml.Join(c.cfg.Seeds)
		switch {
		case n > 0 && !joined:
			joined = true
			c.log.Info("cluster: joined the gossip cluster", "seeds", c.cfg.Seeds, "reached", n)
		case n == 0:
			c.log.Warn("cluster: no seed answered; retrying (are the seed gossip addresses right?)", "seeds", c.cfg.Seeds, "err", err, "retry_in", wait)
		}
		select {
		case <-c.done:
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, 2*time.Second)
	}
}

// registered reports whether the metadata holds this run of this node,
// unfenced. Metadata replayed from the node's own log after a restart
// names an earlier incarnation, so it never counts.
func (c *Controller) registered() bool {
	b, ok := c.Metadata().Brokers[c.cfg.NodeID]
	return ok && !b.Fenced && b.Incarnation == c.incarnation
}

func newIncarnation() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return binary.BigEndian.Uint64(b[:]) | 1 // never 0, the "unknown" of old registrations
}

// kick asks the run loop for a reconcile soon.
func (c *Controller) kick() {
	select {
	case c.kickCh <- struct{}{}:
	default:
	}
}

// run is the controller loop: while this node is the raft leader it
// reconciles membership with the metadata on every membership event and
// every ReconcileInterval, and rebalances leaders every
// LeaderImbalanceCheckInterval.
func (c *Controller) run() {
	defer c.wg.Done()
	ticker := time.NewTicker(c.cfg.Timing.ReconcileInterval)
	defer ticker.Stop()
	var leaderSince, nextRebalance time.Time
	for {
		select {
		case <-c.done:
			return
		case <-c.raft.LeaderCh():
		case <-c.kickCh:
		case <-ticker.C:
		}
		if c.raft.State() != raft.Leader {
			leaderSince = time.Time{}
			continue
		}
		now := time.Now()
		if leaderSince.IsZero() {
			leaderSince, nextRebalance = now, now.Add(c.cfg.LeaderImbalanceCheckInterval)
			c.log.Info("cluster: this broker is now the controller")
		}
		c.reconcile(leaderSince)
		if !c.cfg.DisableAutoLeaderRebalance && now.After(nextRebalance) {
			nextRebalance = now.Add(c.cfg.LeaderImbalanceCheckInterval)
			c.rebalance()
		}
	}
}

func (c *Controller) reconcile(leaderSince time.Time) {
	cf := c.raft.GetConfiguration()
	if err := cf.Error(); err != nil {
		return
	}
	plan := planReconcile(reconcileInput{State: c.Metadata(), Members: c.members.snapshot(), Raft: cf.Configuration().Servers,
		Now: time.Now(), LeaderSince: leaderSince, FenceGrace: c.cfg.Timing.FenceGrace})
	for _, cmd := range plan.Commands {
		c.log.Info("cluster: membership change", "command", cmd.Op(), "detail", fmt.Sprintf("%+v", cmd))
		if _, err := c.applyRaft(mustEncode(cmd), applyTimeout); err != nil {
			c.log.Warn("cluster: applying a membership change failed; retrying on the next round", "command", cmd.Op(), "err", err)
			return
		}
	}
	for _, s := range plan.Voters {
		c.log.Info("cluster: adding a raft voter", "id", s.ID, "addr", s.Address)
		if err := c.raft.AddVoter(s.ID, s.Address, 0, applyTimeout).Error(); err != nil {
			c.log.Warn("cluster: adding a raft voter failed; retrying on the next round", "id", s.ID, "err", err)
		}
	}
	for _, s := range plan.Nonvoters {
		c.log.Info("cluster: adding a raft non-voter", "id", s.ID, "addr", s.Address)
		if err := c.raft.AddNonvoter(s.ID, s.Address, 0, applyTimeout).Error(); err != nil {
			c.log.Warn("cluster: adding a raft non-voter failed; retrying on the next round", "id", s.ID, "err", err)
		}
	}
}

func (c *Controller) rebalance() {
	parts := ImbalancedPartitions(c.Metadata(), c.cfg.LeaderImbalancePercentage)
	if len(parts) == 0 {
		return
	}
	c.log.Info("cluster: leader imbalance; electing preferred leaders", "partitions", len(parts))
	if _, err := c.applyRaft(mustEncode(&ElectLeaders{Type: ElectPreferred, Partitions: parts}), applyTimeout); err != nil {
		c.log.Warn("cluster: preferred leader election failed", "err", err)
	}
}

func mustEncode(cmd Command) []byte {
	b, err := EncodeCommand(cmd)
	if err != nil {
		panic(fmt.Sprintf("cluster: a built-in command does not encode: %v", err)) // a bug, never input
	}
	return b
}

// Apply applies cmd to the cluster metadata and returns its result: on the
// controller through raft, elsewhere by forwarding to the controller and
// then waiting (within ctx) until this node's Metadata includes the change.
// It retries through controller changes until ctx ends, then returns a
// *NotControllerError. A refusal by the state machine is an *Error.
//
// As with Kafka, a command whose controller failed mid-way may have been
// applied even though Apply retried it: a retried CreateTopic can answer
// TOPIC_ALREADY_EXISTS for the topic it created.
func (c *Controller) Apply(ctx context.Context, cmd Command) (*Result, error) {
	data, err := EncodeCommand(cmd)
	if err != nil {
		return nil, err
	}
	wait := 10 * time.Millisecond
	for {
		select {
		case <-c.done:
			return nil, ErrClosed
		default:
		}
		res, retry, err := c.applyOnce(ctx, data)
		if !retry {
			return res, err
		}
		select {
		case <-ctx.Done():
			return nil, &NotControllerError{ControllerID: c.ControllerID(), Cause: err}
		case <-c.done:
			return nil, ErrClosed
		case <-time.After(wait):
		}
		wait = min(2*wait, 200*time.Millisecond)
	}
}

// applyOnce tries once; retry says whether another try may succeed.
func (c *Controller) applyOnce(ctx context.Context, data []byte) (res *Result, retry bool, err error) {
	timeout := applyTimeout
	if dl, ok := ctx.Deadline(); ok {
		timeout = min(timeout, max(time.Until(dl), time.Millisecond))
	}
	if c.raft.State() == raft.Leader {
		res, err := c.applyRaft(data, timeout)
		return res, isLeadershipError(err), err
	}
	addr := c.controllerAddr()
	if addr == "" {
		return nil, true, errors.New("no controller is elected yet")
	}
	resp, err := forwardTo(addr, data, timeout)
	switch {
	case err != nil:
		return nil, true, err
	case resp.NotController:
		return nil, true, fmt.Errorf("broker at %s is no longer the controller", addr)
	case resp.Err != nil:
		return nil, false, resp.Err
	case resp.Result == nil:
		return nil, false, errorf(kerr.UnknownServerError, "the controller answered without a result")
	}
	// Read your writes: the change is committed; wait for it here too.
	_ = c.fsm.waitIndex(ctx, resp.Result.Index)
	return resp.Result, false, nil
}

// applyRaft proposes an encoded command on this node, which must lead.
func (c *Controller) applyRaft(data []byte, timeout time.Duration) (*Result, error) {
	f := c.raft.Apply(data, timeout)
	if err := f.Error(); err != nil {
		return nil, err
	}
	ar, ok := f.Response().(applyResult)
	if !ok {
		return nil, errorf(kerr.UnknownServerError, "raft returned %T instead of a command result", f.Response())
	}
	return ar.res, ar.err
}

func isLeadershipError(err error) bool {
	return errors.Is(err, raft.ErrNotLeader) || errors.Is(err, raft.ErrLeadershipLost) ||
		errors.Is(err, raft.ErrLeadershipTransferInProgress) || errors.Is(err, raft.ErrEnqueueTimeout)
}

// handleForward serves a command forwarded by another node.
func (c *Controller) handleForward(conn net.Conn) {
	serveForward(conn, applyTimeout, func(data []byte, timeout time.Duration) forwardResponse {
		if c.raft.State() != raft.Leader {
			return forwardResponse{NotController: true, ControllerID: c.ControllerID()}
		}
		if _, err := DecodeCommand(data); err != nil {
			return forwardResponse{Err: &Error{Code: kerr.InvalidRequest.Code, Message: err.Error()}}
		}
		res, err := c.applyRaft(data, timeout)
		switch {
		case isLeadershipError(err):
			return forwardResponse{NotController: true, ControllerID: c.ControllerID()}
		case err != nil:
			return forwardResponse{Err: asError(err)}
		}
		return forwardResponse{Result: res}
	})
}

func asError(err error) *Error {
	var ce *Error
	if errors.As(err, &ce) {
		return ce
	}
	return &Error{Code: ErrorCode(err), Message: "cluster: " + err.Error()}
}

// controllerAddr is the raft address of the current raft leader, as its
// node gossips it now (raft's own record may predate a restart).
func (c *Controller) controllerAddr() string {
	addr, id := c.raft.LeaderWithID()
	if id == "" {
		return ""
	}
	if n, err := strconv.ParseInt(string(id), 10, 32); err == nil {
		if m, ok := c.members.get(int32(n)); ok && m.Broker.RaftAddr != "" {
			return m.Broker.RaftAddr
		}
	}
	return string(addr)
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
