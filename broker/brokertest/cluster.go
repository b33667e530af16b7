package brokertest

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spate-io/spate/broker"
	"github.com/spate-io/spate/broker/cluster"
	"github.com/spate-io/spate/internal/testutil"
)

// Cluster is an in-process cluster of brokers on 127.0.0.1, each with its
// own data folder, gossip and raft ports, with fault hooks: Kill (a crash,
// as the others see it), Stop (a graceful leave) and Restart (same data,
// same Kafka address).
//
//	c := brokertest.StartCluster(t, 3)
//	cl, _ := kgo.NewClient(kgo.SeedBrokers(c.Addrs()...))
//	c.Kill(c.LeaderOf("clicks", 0))
type Cluster struct {
	t     testing.TB
	mu    sync.Mutex
	nodes map[int32]*node
	opts  []func(id int32, c *broker.Config)
}

type node struct {
	cfg broker.Config
	b   *broker.Broker // nil while down
}

// TestTiming detects failures within about a second on a quiet machine
// while tolerating the pauses of a loaded test run.
func TestTiming() cluster.Timing {
	return cluster.Timing{
		HeartbeatTimeout: 300 * time.Millisecond, ElectionTimeout: 300 * time.Millisecond, LeaderLeaseTimeout: 150 * time.Millisecond,
		ProbeInterval: 200 * time.Millisecond, ProbeTimeout: 100 * time.Millisecond, SuspicionMult: 2, GossipInterval: 50 * time.Millisecond,
		PushPullInterval: 2 * time.Second, ReconcileInterval: 250 * time.Millisecond, FenceGrace: 3 * time.Second,
	}
}

// StartCluster starts n brokers (ids 1..n) and waits until every one is
// ready; they are closed at cleanup. opts adjust each broker's Config
// (Config(t) with the cluster settings filled in) before it starts.
func StartCluster(t testing.TB, n int, opts ...func(id int32, c *broker.Config)) *Cluster {
	t.Helper()
	c := &Cluster{t: t, nodes: map[int32]*node{}, opts: opts}
	logs := &testLog{t: t}
	t.Cleanup(func() {
		c.Close()
		logs.stop()
	})
	base := t.TempDir()
	for id := int32(1); id <= int32(n); id++ {
		cfg := Config(t)
		cfg.NodeID = id
		cfg.DataDir = filepath.Join(base, fmt.Sprint(id))
		cfg.OffsetsTopicReplicationFactor = int16(min(n, 3))
		cfg.Cluster = broker.ClusterConfig{GossipAddr: "127.0.0.1:0", Timing: TestTiming(), Seeds: c.seeds()}
		cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: logLevel()})).With("broker", id)
		for _, o := range opts {
			o(id, &cfg)
		}
		nd := &node{cfg: cfg}
		c.nodes[id] = nd
		c.start(nd)
	}
	c.WaitReady()
	return c
}

// seeds are the gossip addresses of the running brokers.
func (c *Cluster) seeds() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, nd := range c.nodes {
		if nd.b != nil {
			out = append(out, nd.b.GossipAddr())
		}
	}
	return out
}

func (c *Cluster) start(nd *node) {
	c.t.Helper()
	b, err := broker.New(nd.cfg)
	if err != nil {
		c.t.Fatalf("brokertest: starting broker %d: %v", nd.cfg.NodeID, err)
	}
	if err := b.Start(); err != nil {
		b.Close()
		c.t.Fatalf("brokertest: %v", err)
	}
	c.mu.Lock()
	nd.b = b
	// Restarts keep the Kafka and gossip addresses, as a restarted
	// process would.
	nd.cfg.Listen = b.Addr()
	nd.cfg.Cluster.GossipAddr = b.GossipAddr()
	c.mu.Unlock()
}

// WaitReady waits until every running broker is ready.
func (c *Cluster) WaitReady() {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, b := range c.running() {
		if err := b.WaitReady(ctx); err != nil {
			c.t.Fatalf("brokertest: %v", err)
		}
	}
}

func (c *Cluster) running() []*broker.Broker {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []*broker.Broker
	for id := int32(1); id <= int32(len(c.nodes)); id++ {
		if nd := c.nodes[id]; nd != nil && nd.b != nil {
			out = append(out, nd.b)
		}
	}
	return out
}

// Addrs are the Kafka addresses of the running brokers.
func (c *Cluster) Addrs() []string {
	var out []string
	for _, b := range c.running() {
		out = append(out, b.Addr())
	}
	return out
}

// Broker returns broker id, nil while it is down.
func (c *Cluster) Broker(id int32) *broker.Broker {
	c.mu.Lock()
	defer c.mu.Unlock()
	if nd := c.nodes[id]; nd != nil {
		return nd.b
	}
	return nil
}

// LeaderOf waits (up to 30 s) until the running brokers agree on a leader
// of partition p of topic and returns it.
func (c *Cluster) LeaderOf(topic string, p int32) int32 {
	c.t.Helper()
	var leader int32
	testutil.WaitFor(c.t, 30*time.Second, 20*time.Millisecond, func() error {
		agreed := true
		leader = -1
		for _, b := range c.running() {
			l := b.Leader(topic, p)
			if l < 0 || (leader >= 0 && l != leader) {
				agreed = false
			}
			leader = l
		}
		if agreed && leader >= 0 {
			return nil
		}
		return fmt.Errorf("brokertest: no agreed leader of %s-%d", topic, p)
	})
	return leader
}

// Kill crashes broker id: the others learn it only through failure
// detection.
func (c *Cluster) Kill(id int32) { c.down(id, (*broker.Broker).Kill) }

// Stop closes broker id gracefully: it leaves the cluster first.
func (c *Cluster) Stop(id int32) { c.down(id, (*broker.Broker).Close) }

func (c *Cluster) down(id int32, how func(*broker.Broker) error) {
	c.t.Helper()
	c.mu.Lock()
	nd := c.nodes[id]
	b := nd.b
	nd.b = nil
	c.mu.Unlock()
	if b == nil {
		c.t.Fatalf("brokertest: broker %d is not running", id)
	}
	if err := how(b); err != nil {
		c.t.Logf("brokertest: stopping broker %d: %v", id, err)
	}
}

// Restart starts broker id again on its data folder, Kafka and gossip addresses,
// joining through the running brokers, and waits until it is ready.
func (c *Cluster) Restart(id int32) {
	c.t.Helper()
	c.mu.Lock()
	nd := c.nodes[id]
	c.mu.Unlock()
	nd.cfg.Cluster.Seeds = c.seeds()
	c.start(nd)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := nd.b.WaitReady(ctx); err != nil {
		c.t.Fatalf("brokertest: %v", err)
	}
}

// testLog writes log lines to the test's log (shown when it fails, or
// with -v) until the test ends.
type testLog struct {
	mu   sync.Mutex
	t    testing.TB
	done bool
}

func (l *testLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.done {
		l.t.Log(strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

func (l *testLog) stop() {
	l.mu.Lock()
	l.done = true
	l.mu.Unlock()
}

// logLevel is Info, or what SPATE_TEST_LOG says (debug, warn, error).
func logLevel() slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(os.Getenv("SPATE_TEST_LOG"))); err != nil {
		return slog.LevelInfo
	}
	return l
}

// Close stops every running broker.
func (c *Cluster) Close() {
	for _, b := range c.running() {
		b.Close()
	}
	c.mu.Lock()
	for _, nd := range c.nodes {
		nd.b = nil
	}
	c.mu.Unlock()
}
