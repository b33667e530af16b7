package broker_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/spate-io/spate/internal/testutil"
)

// TestCommittedOffsetsSurviveCoordinatorLoss commits a group's offsets,
// kills the broker coordinating the group (the leader of its
// __consumer_offsets partition): the coordinator moves with that
// partition's leadership, the offsets are still there, and a consumer of
// the group resumes from them.
func TestCommittedOffsetsSurviveCoordinatorLoss(t *testing.T) {
	c := startProcCluster(t, 3)
	adm := c.admin()
	createReplicated(t, adm, "events", 3)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	p := newClient(t, c.addrs()[0], kgo.SeedBrokers(c.addrs()...), kgo.DefaultProduceTopic("events"), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	for i := 0; i < 300; i++ {
		if err := p.ProduceSync(ctx, &kgo.Record{Partition: int32(i % 3), Value: []byte(fmt.Sprint(i))}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	commits := kadm.Offsets{}
	for part, at := range map[int32]int64{0: 50, 1: 60, 2: 70} {
		commits.Add(kadm.Offset{Topic: "events", Partition: part, At: at, LeaderEpoch: -1})
	}
	testutil.WaitFor(t, 30*time.Second, 100*time.Millisecond, func() error {
		r, err := adm.CommitOffsets(ctx, "g", commits)
		if err == nil {
			err = r.Error()
		}
		return err
	})
	coord := adm.FindGroupCoordinators(ctx, "g")["g"]
	if coord.Err != nil {
		t.Fatal(coord.Err)
	}
	t.Logf("SIGKILL broker %d, coordinator of group g", coord.NodeID)
	c.kill(coord.NodeID)

	testutil.WaitFor(t, 60*time.Second, 100*time.Millisecond, func() error {
		// A new client each time: kgo keeps a dead coordinator cached for
		// sharded admin requests.
		adm := c.admin()
		got, err := adm.FetchOffsets(ctx, "g")
		if err == nil {
			err = got.Error()
		}
		if err != nil {
			return err
		}
		for part, want := range map[int32]int64{0: 50, 1: 60, 2: 70} {
			if o, ok := got.Lookup("events", part); !ok || o.At != want {
				return fmt.Errorf("partition %d: committed %v (found %v), want %d", part, o.At, ok, want)
			}
		}
		return nil
	})
	if now := adm.FindGroupCoordinators(ctx, "g")["g"]; now.NodeID == coord.NodeID {
		t.Fatalf("coordinator still %d after its death", now.NodeID)
	}

	cons := newClient(t, c.addrs()[0], kgo.SeedBrokers(c.addrs()...), kgo.ConsumerGroup("g"), kgo.ConsumeTopics("events"), kgo.DisableAutoCommit())
	first := map[int32]int64{}
	for len(first) < 3 && ctx.Err() == nil {
		cons.PollFetches(ctx).EachRecord(func(r *kgo.Record) {
			if _, ok := first[r.Partition]; !ok {
				first[r.Partition] = r.Offset
			}
		})
	}
	for part, want := range map[int32]int64{0: 50, 1: 60, 2: 70} {
		if first[part] != want {
			t.Fatalf("partition %d: the group resumed at %d, want %d (%v)", part, first[part], want, first)
		}
	}
}
