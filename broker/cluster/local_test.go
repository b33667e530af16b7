package cluster

import (
	"context"
	"strings"
	"testing"
)

// TestLocalRestart: a lone broker's metadata survives a reopen, every
// reopen is a new incarnation (leader epochs grow by two), and a folder
// of another broker id is refused.
func TestLocalRestart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	l, err := OpenLocal(LocalConfig{NodeID: 1, DataDir: dir, KafkaAddr: "127.0.0.1:9092"})
	if err != nil {
		t.Fatal(err)
	}
	if l.ControllerID() != 1 || l.WaitReady(ctx) != nil {
		t.Fatal("a lone broker is not its own ready controller")
	}
	s, changed := l.Watch()
	if _, err := l.Apply(ctx, &CreateTopic{ID: NewTopicID(), Name: "a", Partitions: 2, ReplicationFactor: 1}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changed:
	default:
		t.Fatal("Watch channel not closed by a change")
	}
	if _, ok := s.Topic("a"); ok {
		t.Fatal("an earlier published State changed")
	}
	if _, err := l.Apply(ctx, &CreateTopic{ID: NewTopicID(), Name: "a", Partitions: 1, ReplicationFactor: 1}); ErrorCode(err) != 36 {
		t.Fatalf("duplicate topic: %v", err)
	}
	res, err := l.Apply(ctx, &AllocateProducerIDs{BrokerID: 1, Count: 10})
	if err != nil || res.ProducerIDs.First != 1 || res.ProducerIDs.Count != 10 {
		t.Fatalf("producer ids: %+v %v", res, err)
	}
	epoch := l.Metadata().Topics["a"].Partitions[0].LeaderEpoch
	l.Close()
	if _, err := l.Apply(ctx, &DeleteTopic{Name: "a"}); err != ErrClosed {
		t.Fatalf("apply after close: %v", err)
	}

	l, err = OpenLocal(LocalConfig{NodeID: 1, DataDir: dir, KafkaAddr: "127.0.0.1:9093"})
	if err != nil {
		t.Fatal(err)
	}
	s = l.Metadata()
	p := s.Topics["a"].Partitions[0]
	if p.Leader != 1 || p.LeaderEpoch != epoch+2 || s.Brokers[1].KafkaAddr != "127.0.0.1:9093" || s.Brokers[1].Fenced {
		t.Fatalf("after reopen: leader %d epoch %d (was %d), broker %+v", p.Leader, p.LeaderEpoch, epoch, s.Brokers[1])
	}
	res, err = l.Apply(ctx, &AllocateProducerIDs{BrokerID: 1, Count: 10})
	if err != nil || res.ProducerIDs.First != 11 {
		t.Fatalf("producer ids after reopen: %+v %v", res, err)
	}
	l.Close()
	if _, err := OpenLocal(LocalConfig{NodeID: 2, DataDir: dir, KafkaAddr: "127.0.0.1:9092"}); err == nil || !strings.Contains(err.Error(), "belongs to broker 1") {
		t.Fatalf("another id: %v", err)
	}
}

func TestAllocateProducerIDs(t *testing.T) {
	s := stateWith(t, 2)
	r1 := mustApply(t, s, &AllocateProducerIDs{BrokerID: 1, Count: 1000})
	r2 := mustApply(t, s, &AllocateProducerIDs{BrokerID: 2, Count: 5})
	if r1.ProducerIDs.First != 1 || r2.ProducerIDs.First != 1001 || s.NextProducerID != 1006 {
		t.Fatalf("blocks %+v %+v next %d", r1.ProducerIDs, r2.ProducerIDs, s.NextProducerID)
	}
	for _, bad := range []*AllocateProducerIDs{{BrokerID: 1}, {BrokerID: 1, Count: MaxProducerIDBlock + 1}, {BrokerID: 9, Count: 1}} {
		if _, err := s.Apply(bad); err == nil {
			t.Fatalf("%+v accepted", bad)
		}
	}
	if s.NextProducerID != 1006 {
		t.Fatal("a refused allocation changed the state")
	}
}
