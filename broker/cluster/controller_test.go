package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/raft"
	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/spate-io/spate/internal/testutil"
)

// testLogger writes warnings and errors to the test log (everything with
// SPATE_TEST_LOG=debug).
func testLogger(t *testing.T) *slog.Logger {
	level := slog.LevelWarn
	if os.Getenv("SPATE_TEST_LOG") == "debug" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: level}))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(string(p))
	return len(p), nil
}

// testNode is one in-process node: its controller and what restarts it.
type testNode struct {
	id       int32
	dir      string
	nonVoter bool
	c        *Controller
}

func startNode(t *testing.T, n *testNode, seeds ...string) {
	t.Helper()
	c, err := Start(Config{
		NodeID: n.id, DataDir: n.dir, KafkaAddr: fmt.Sprintf("127.0.0.1:%d", 19000+n.id), NonVoter: n.nonVoter,
		Seeds: seeds, Logger: testLogger(t).With("test_node", n.id), LeaderImbalanceCheckInterval: 300 * time.Millisecond,
	})
	if err != nil {
		t.Fatalf("starting node %d: %v", n.id, err)
	}
	n.c = c
}

func ctxFor(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func waitReady(t *testing.T, nodes ...*testNode) {
	t.Helper()
	for _, n := range nodes {
		if err := n.c.WaitReady(ctxFor(t, 20*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
}

// controllerOf returns the node that is the controller now among nodes.
func controllerOf(nodes []*testNode) (*testNode, error) {
	for _, n := range nodes {
		if n.c != nil && n.c.IsController() {
			return n, nil
		}
	}
	return nil, errors.New("no controller among the live nodes")
}

// partitionsLedBy lists the partitions of topic led by id.
func partitionsLedBy(s *State, topic string, id int32) map[int32]int32 {
	out := map[int32]int32{}
	for i, p := range s.Topics[topic].Partitions {
		if p.Leader == id {
			out[int32(i)] = p.LeaderEpoch
		}
	}
	return out
}

// waitFailedOver waits until, in node n's metadata, broker dead is fenced
// and each partition it led (before) is led by a live ISR member with
// the leader epoch bumped.
func waitFailedOver(t *testing.T, n *testNode, dead int32, before map[int32]int32) {
	t.Helper()
	testutil.WaitFor(t, 20*time.Second, 20*time.Millisecond, func() error {
		s := n.c.Metadata()
		if b := s.Brokers[dead]; b == nil || !b.Fenced {
			return fmt.Errorf("broker %d not fenced yet", dead)
		}
		for i, epoch := range before {
			p := s.Topics["clicks"].Partitions[i]
			switch {
			case p.Leader == dead || p.Leader == NoLeader:
				return fmt.Errorf("partition %d still led by %d", i, p.Leader)
			case p.LeaderEpoch <= epoch:
				return fmt.Errorf("partition %d leader epoch %d not bumped from %d", i, p.LeaderEpoch, epoch)
			case p.InISR(dead) || !p.InISR(p.Leader) || !s.alive(p.Leader):
				return fmt.Errorf("partition %d has ISR %v leader %d", i, p.ISR, p.Leader)
			}
		}
		return nil
	})
}

func TestClusterFailoverAndRestart(t *testing.T) {
	base := t.TempDir()
	nodes := []*testNode{}
	for id := int32(1); id <= 4; id++ {
		nodes = append(nodes, &testNode{id: id, dir: filepath.Join(base, fmt.Sprint(id)), nonVoter: id == 4})
	}
	t.Cleanup(func() {
		for _, n := range nodes {
			if n.c != nil {
				_ = n.c.Close()
			}
		}
	})
	live := func() []*testNode {
		var out []*testNode
		for _, n := range nodes {
			if n.c != nil {
				out = append(out, n)
			}
		}
		return out
	}
	crash := func(n *testNode) {
		t.Helper()
		if err := n.c.shutdown(false); err != nil {
			t.Logf("crash of node %d: %v", n.id, err)
		}
		n.c = nil
	}

	// Bootstrap: node 1 starts the cluster, 2 and 3 join as voters, 4 as
	// a non-voter.
	start := time.Now()
	startNode(t, nodes[0])
	for _, n := range nodes[1:] {
		startNode(t, n, nodes[0].c.GossipAddr())
	}
	waitReady(t, nodes...)
	testutil.WaitFor(t, 10*time.Second, 20*time.Millisecond, func() error {
		cf := nodes[0].c.raft.GetConfiguration()
		if err := cf.Error(); err != nil {
			return err
		}
		var voters, nonvoters int
		for _, s := range cf.Configuration().Servers {
			if s.Suffrage == raft.Voter {
				voters++
			} else {
				nonvoters++
			}
		}
		if voters != 3 || nonvoters != 1 {
			return fmt.Errorf("raft has %d voters and %d non-voters", voters, nonvoters)
		}
		return nil
	})
	t.Logf("4 brokers bootstrapped in %v", time.Since(start))

	// A topic created through the non-voter (forwarded) is visible there
	// at once and everywhere soon.
	topic, err := nodes[3].c.CreateTopic(ctxFor(t, 10*time.Second), "clicks", 8, 3, map[string]string{"retention.ms": "60000"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := nodes[3].c.Metadata().Topic("clicks"); !ok {
		t.Fatal("the forwarding node does not see its own topic")
	}
	for _, n := range nodes {
		testutil.WaitFor(t, 5*time.Second, 10*time.Millisecond, func() error {
			if _, ok := n.c.Metadata().Topic("clicks"); !ok {
				return fmt.Errorf("node %d lacks the topic", n.id)
			}
			return nil
		})
	}
	_, err = nodes[1].c.CreateTopic(ctxFor(t, 10*time.Second), "clicks", 1, 1, nil)
	wantCode(t, err, kerr.TopicAlreadyExists)
	_, err = nodes[1].c.CreateTopic(ctxFor(t, 10*time.Second), "big", 1, 5, nil)
	wantCode(t, err, kerr.InvalidReplicationFactor)

	// A broker that is not the controller dies: its partitions get new
	// leaders from their ISRs, with bumped epochs.
	ctrl, err := controllerOf(live())
	if err != nil {
		t.Fatal(err)
	}
	var victim *testNode
	for _, n := range nodes[:3] {
		if n != ctrl {
			victim = n
			break
		}
	}
	before := partitionsLedBy(ctrl.c.Metadata(), "clicks", victim.id)
	start = time.Now()
	crash(victim)
	waitFailedOver(t, ctrl, victim.id, before)
	t.Logf("broker %d died: %d partitions failed over in %v", victim.id, len(before), time.Since(start))

	// It restarts from its data folder, on new ports: it rejoins and is
	// unfenced; raft reaches it at its new address.
	start = time.Now()
	startNode(t, victim, ctrl.c.GossipAddr())
	waitReady(t, victim)
	t.Logf("broker %d restarted and ready in %v", victim.id, time.Since(start))
	testutil.WaitFor(t, 10*time.Second, 20*time.Millisecond, func() error {
		if _, ok := victim.c.Metadata().Topic("clicks"); !ok {
			return errors.New("restarted node lacks the topic")
		}
		if got := ctrl.c.Metadata().Brokers[victim.id].RaftAddr; got != victim.c.RaftAddr() {
			return fmt.Errorf("registered raft address %s, want %s", got, victim.c.RaftAddr())
		}
		return nil
	})

	// Its partition leaders bring it back into their ISRs (AlterPartition,
	// as the replication path will), and the automatic leader rebalance
	// gives it back the partitions it prefers.
	start = time.Now()
	rejoinISRs(t, victim, victim.id)
	testutil.WaitFor(t, 10*time.Second, 20*time.Millisecond, func() error {
		for i, p := range victim.c.Metadata().Topics["clicks"].Partitions {
			if p.PreferredLeader() == victim.id && p.Leader != victim.id {
				return fmt.Errorf("partition %d is led by %d, not its preferred leader %d", i, p.Leader, victim.id)
			}
		}
		return nil
	})
	t.Logf("broker %d back in the ISRs and leading its preferred partitions in %v", victim.id, time.Since(start))

	// The controller dies: another voter takes over and moves its
	// partitions.
	before = partitionsLedBy(ctrl.c.Metadata(), "clicks", ctrl.id)
	start = time.Now()
	old := ctrl
	crash(old)
	var next *testNode
	testutil.WaitFor(t, 20*time.Second, 20*time.Millisecond, func() error {
		next, err = controllerOf(live())
		return err
	})
	t.Logf("controller %d died: broker %d took over in %v", old.id, next.id, time.Since(start))
	waitFailedOver(t, next, old.id, before)
	t.Logf("controller %d died: %d partitions failed over in %v", old.id, len(before), time.Since(start))
	// Writes still work, from any node.
	if _, err := nodes[3].c.Apply(ctxFor(t, 10*time.Second), &AlterConfigs{Topic: "clicks", Set: map[string]string{"retention.ms": "120000"}}); err != nil {
		t.Fatal(err)
	}

	// Everything stops and restarts from the data folders (new ports): the
	// metadata is intact.
	start = time.Now()
	startNode(t, old, next.c.GossipAddr())
	waitReady(t, old)
	t.Logf("broker %d restarted and ready in %v", old.id, time.Since(start))
	want := next.c.Metadata().Topics["clicks"]
	start = time.Now()
	for _, n := range live() {
		// raft refuses while a configuration change is being applied.
		testutil.WaitFor(t, 10*time.Second, 20*time.Millisecond, func() error { return n.c.raft.Snapshot().Error() })
	}
	for _, n := range live() {
		if err := n.c.Close(); err != nil {
			t.Fatalf("closing node %d: %v", n.id, err)
		}
		n.c = nil
	}
	t.Logf("all brokers closed in %v", time.Since(start))
	start = time.Now()
	startNode(t, nodes[0])
	for _, n := range nodes[1:] {
		startNode(t, n, nodes[0].c.GossipAddr())
	}
	waitReady(t, nodes...)
	t.Logf("all brokers restarted and ready in %v", time.Since(start))
	for _, n := range nodes {
		testutil.WaitFor(t, 10*time.Second, 20*time.Millisecond, func() error {
			got, ok := n.c.Metadata().Topic("clicks")
			if !ok {
				return fmt.Errorf("node %d lost the topic", n.id)
			}
			if got.ID != topic.ID || len(got.Partitions) != 8 || got.Configs["retention.ms"] != "120000" {
				return fmt.Errorf("node %d has topic %+v", n.id, got)
			}
			for i, p := range got.Partitions {
				w := want.Partitions[i]
				if !slices.Equal(p.Replicas, w.Replicas) || p.LeaderEpoch < w.LeaderEpoch || p.Leader == NoLeader {
					return fmt.Errorf("node %d partition %d is %+v, was %+v", n.id, i, p, w)
				}
			}
			return nil
		})
	}
}

// rejoinISRs adds broker id back to the ISR of every partition of clicks
// that has it as a replica, sending AlterPartition for the leader as the
// leader's Tracker would once the follower caught up.
func rejoinISRs(t *testing.T, via *testNode, id int32) {
	t.Helper()
	testutil.WaitFor(t, 10*time.Second, 20*time.Millisecond, func() error {
		for i, p := range via.c.Metadata().Topics["clicks"].Partitions {
			if p.InISR(id) || !slices.Contains(p.Replicas, id) || p.Leader == NoLeader {
				continue
			}
			_, err := via.c.Apply(ctxFor(t, 5*time.Second), &AlterPartition{Topic: "clicks", Partition: int32(i), BrokerID: p.Leader,
				LeaderEpoch: p.LeaderEpoch, PartitionEpoch: p.PartitionEpoch, ISR: append(slices.Clone(p.ISR), id)})
			if err != nil {
				return err // stale epochs after a concurrent change: look again
			}
		}
		for i, p := range via.c.Metadata().Topics["clicks"].Partitions {
			if slices.Contains(p.Replicas, id) && !p.InISR(id) {
				return fmt.Errorf("partition %d ISR %v lacks %d", i, p.ISR, id)
			}
		}
		return nil
	})
}
