package broker_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spate-io/spate/broker/brokertest"
	"github.com/spate-io/spate/internal/testutil"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// createReplicated creates topic with RF 3 and min.insync.replicas 2.
func createReplicated(t testing.TB, adm *kadm.Client, topic string, partitions int32) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	two := "2"
	r, err := adm.CreateTopic(ctx, partitions, 3, map[string]*string{"min.insync.replicas": &two}, topic)
	if err == nil {
		err = r.Err
	}
	if err != nil {
		t.Fatal(err)
	}
}

// leaders returns each partition's leader and ISR as the metadata says.
func leaders(t testing.TB, adm *kadm.Client, topic string) (map[int32]int32, map[int32][]int32) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ls, isrs := map[int32]int32{}, map[int32][]int32{}
	testutil.WaitFor(t, 30*time.Second, 50*time.Millisecond, func() error {
		tds, err := adm.ListTopics(ctx, topic)
		if err == nil {
			err = tds[topic].Err
		}
		if err != nil {
			return err
		}
		for _, p := range tds[topic].Partitions {
			ls[p.Partition], isrs[p.Partition] = p.Leader, p.ISR
		}
		return nil
	})
	return ls, isrs
}

// leaderOf waits until partition p of topic has a leader and returns it.
func leaderOf(t testing.TB, adm *kadm.Client, topic string, p int32) int32 {
	t.Helper()
	var l int32
	testutil.WaitFor(t, 30*time.Second, 50*time.Millisecond, func() error {
		ls, _ := leaders(t, adm, topic)
		var ok bool
		if l, ok = ls[p]; !ok || l < 0 {
			return fmt.Errorf("partition %d has no leader (%v)", p, ls)
		}
		return nil
	})
	return l
}

// waitFullISR waits until every partition of topic has a leader and all
// three replicas in sync.
func waitFullISR(t testing.TB, adm *kadm.Client, topic string) {
	t.Helper()
	testutil.WaitFor(t, 60*time.Second, 50*time.Millisecond, func() error {
		ls, isrs := leaders(t, adm, topic)
		for p, l := range ls {
			if l < 0 || len(isrs[p]) != 3 {
				return fmt.Errorf("partition %d: leader %d ISR %v", p, l, isrs[p])
			}
		}
		return nil
	})
}

// TestInProcessOperations runs an in-process cluster under a paced
// acks=all load through the operations of a rolling restart: each broker
// in turn leaves gracefully (its leaderships move at once) and comes back;
// a preferred leader election then restores the leaders the assignment
// prefers; a replication factor above the live brokers is refused with a
// clear error; a crashed leader is replaced. Nothing acknowledged is lost.
func TestInProcessOperations(t *testing.T) {
	c := brokertest.StartCluster(t, 3)
	// Metadata requests are answered from kgo's cache for MetadataMinAge.
	adm := kadm.NewClient(newClient(t, c.Addrs()[0], kgo.SeedBrokers(c.Addrs()...), kgo.MetadataMinAge(50*time.Millisecond)))
	createReplicated(t, adm, "ops", 3)
	w := startPacedWorkload(t, c.Addrs(), "ops", 20000)
	w.waitAcked(2000, 30*time.Second)
	for id := int32(1); id <= 3; id++ {
		c.Stop(id)
		for p := int32(0); p < 3; p++ {
			w.waitAckedOn(p, 500, 30*time.Second)
		}
		testutil.WaitFor(t, 10*time.Second, 50*time.Millisecond, func() error {
			if ls, _ := leaders(t, adm, "ops"); slices.Contains(slices.Collect(maps.Values(ls)), id) {
				return fmt.Errorf("broker %d left but still leads %v", id, ls)
			}
			return nil
		})
		c.Restart(id)
		adm = kadm.NewClient(newClient(t, c.Addrs()[0], kgo.SeedBrokers(c.Addrs()...), kgo.MetadataMinAge(50*time.Millisecond)))
		waitFullISR(t, adm, "ops")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := adm.ElectLeaders(ctx, kadm.ElectPreferredReplica, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, ps := range res {
		for _, r := range ps {
			if r.Err != nil {
				t.Fatalf("preferred election of %s-%d: %v %s", r.Topic, r.Partition, r.Err, r.ErrMessage)
			}
		}
	}
	// Every broker applies the election a moment after the one that answered.
	testutil.WaitFor(t, 10*time.Second, 50*time.Millisecond, func() error {
		tds, err := adm.ListTopics(ctx, "ops")
		if err != nil {
			return err
		}
		for _, p := range tds["ops"].Partitions {
			if p.Leader != p.Replicas[0] {
				return fmt.Errorf("partition %d: leader %d after a preferred election, replicas %v", p.Partition, p.Leader, p.Replicas)
			}
		}
		return nil
	})

	r, err := adm.CreateTopic(ctx, 1, 4, nil, "too-many")
	if !errors.Is(r.Err, kerr.InvalidReplicationFactor) || !strings.Contains(r.ErrMessage, "larger than the 3 live brokers") {
		t.Fatalf("RF 4 on 3 brokers: %v %v %q", err, r.Err, r.ErrMessage)
	}

	victim := c.LeaderOf("ops", 0)
	c.Kill(victim)
	w.waitAckedOn(0, 1000, 30*time.Second)
	if l := c.LeaderOf("ops", 0); l == victim {
		t.Fatalf("killed leader %d still leads", victim)
	}
	w.stop()
	verifyAcked(t, c.Addrs(), "ops", w.ackedSnapshot())
}
