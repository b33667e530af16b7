package broker_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/spate-io/spate/broker/brokertest"
	"github.com/twmb/franz-go/pkg/kadm"
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
	waitFor(t, 30*time.Second, 50*time.Millisecond, func() error {
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
	waitFor(t, 30*time.Second, 50*time.Millisecond, func() error {
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
	waitFor(t, 60*time.Second, 50*time.Millisecond, func() error {
		ls, isrs := leaders(t, adm, topic)
		for p, l := range ls {
			if l < 0 || len(isrs[p]) != 3 {
				return fmt.Errorf("partition %d: leader %d ISR %v", p, l, isrs[p])
			}
		}
		return nil
	})
}

// TestInProcessLeaderKills kills the leader of each partition in turn
// under an acks=all load in an in-process cluster, restarting it each
// time: everything acknowledged is read back once and in order.
func TestInProcessLeaderKills(t *testing.T) {
	c := brokertest.StartCluster(t, 3)
	adm := kadm.NewClient(newClient(t, c.Addrs()[0]))
	createReplicated(t, adm, "kills", 3)
	w := startWorkload(t, c.Addrs(), "kills")
	w.waitAcked(2000, 30*time.Second)
	for p := int32(0); p < 3; p++ {
		victim := leaderOf(t, adm, "kills", p)
		t.Logf("killing broker %d, leader of partition %d", victim, p)
		c.Kill(victim)
		w.waitAcked(2000, 30*time.Second)
		c.Restart(victim)
		adm = kadm.NewClient(newClient(t, c.Addrs()[0]))
		waitFullISR(t, adm, "kills")
		w.waitAcked(2000, 30*time.Second)
	}
	w.stop()
	verifyAcked(t, c.Addrs(), "kills", w.ackedSnapshot())
}
