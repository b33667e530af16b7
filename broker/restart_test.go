package broker_test

import (
	"context"
	"testing"
	"time"

	"github.com/spate-io/spate/broker"
	"github.com/spate-io/spate/broker/brokertest"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// TestRestartKeepsTopicsOffsetsAndProducerIDs closes a broker cleanly and
// opens a new one on the same data: topics, records, committed offsets and
// the producer-id sequence are all still there.
func TestRestartKeepsTopicsOffsetsAndProducerIDs(t *testing.T) {
	cfg := brokertest.Config(t)
	cfg.Listen = "127.0.0.1:0"
	start := func() *broker.Broker {
		b, err := broker.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Start(); err != nil {
			t.Fatal(err)
		}
		return b
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	b := start()
	adm := kadm.NewClient(newClient(t, b.Addr()))
	if _, err := adm.CreateTopic(ctx, 2, 1, nil, "keep"); err != nil {
		t.Fatal(err)
	}
	p := newClient(t, b.Addr(), kgo.DefaultProduceTopic("keep"))
	for i := 0; i < 10; i++ {
		if err := p.ProduceSync(ctx, kgo.StringRecord("r")).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	offs := kadm.Offsets{}
	offs.Add(kadm.Offset{Topic: "keep", Partition: 0, At: 3, LeaderEpoch: -1})
	offs.Add(kadm.Offset{Topic: "keep", Partition: 1, At: 4, LeaderEpoch: -1})
	if r, err := adm.CommitOffsets(ctx, "keeper", offs); err != nil || r.Error() != nil {
		t.Fatalf("commit: %v %v", err, r.Error())
	}
	pid := initProducerID(ctx, t, newClient(t, b.Addr()))
	b.Close()

	b = start()
	defer b.Close()
	adm = kadm.NewClient(newClient(t, b.Addr()))
	ends, err := adm.ListEndOffsets(ctx, "keep")
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	ends.Each(func(o kadm.ListedOffset) { total += o.Offset })
	if total != 10 {
		t.Fatalf("%d records after restart, want 10", total)
	}
	got, err := adm.FetchOffsets(ctx, "keeper")
	if err != nil {
		t.Fatal(err)
	}
	if o, _ := got.Lookup("keep", 0); o.At != 3 {
		t.Fatalf("partition 0 committed %d after restart, want 3", o.At)
	}
	if o, _ := got.Lookup("keep", 1); o.At != 4 {
		t.Fatalf("partition 1 committed %d after restart, want 4", o.At)
	}
	if pid2 := initProducerID(ctx, t, newClient(t, b.Addr())); pid2 <= pid {
		t.Fatalf("producer id %d after restart is not above %d", pid2, pid)
	}
}

func initProducerID(ctx context.Context, t *testing.T, cl *kgo.Client) int64 {
	t.Helper()
	req := kmsgInitProducerID()
	resp, err := req.RequestWith(ctx, cl)
	if err != nil || resp.ErrorCode != 0 {
		t.Fatalf("InitProducerId: %v %d", err, resp.ErrorCode)
	}
	return resp.ProducerID
}

func kmsgInitProducerID() *kmsg.InitProducerIDRequest {
	r := kmsg.NewPtrInitProducerIDRequest()
	r.ProducerID, r.ProducerEpoch = -1, -1
	return r
}
