package cluster

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/hashicorp/raft"
)

// joinLoop joins the seeds, retrying until one answers (a broker may start
// before the members it names), and joins again while the metadata does
// not show this run of the node registered and unfenced: members that
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
