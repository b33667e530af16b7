package clickgen

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/spate-io/spate/broker/brokertest"
)

func TestEventIsDeterministicJSON(t *testing.T) {
	at := time.Date(2026, 11, 25, 10, 11, 12, 123e6, time.UTC)
	a, b := Event(nil, 7, 42, at), Event(nil, 7, 42, at)
	if string(a) != string(b) {
		t.Fatalf("same seed and index gave different events:\n%s\n%s", a, b)
	}
	var ev struct {
		UserID int      `json:"user_id"`
		Action string   `json:"action"`
		TS     string   `json:"ts"`
		Price  *float64 `json:"price"`
	}
	if err := json.Unmarshal(a, &ev); err != nil {
		t.Fatalf("event is not JSON: %v\n%s", err, a)
	}
	if ev.TS != "2026-11-25T10:11:12.123Z" {
		t.Errorf("ts = %q", ev.TS)
	}
	if (ev.Action == "purchase" || ev.Action == "add_to_cart") != (ev.Price != nil) {
		t.Errorf("price %v does not fit action %q", ev.Price, ev.Action)
	}
}

func TestProducerWritesCountEventsWithMalformedShare(t *testing.T) {
	addr := brokertest.Start(t)
	p, err := New(Config{Brokers: []string{addr}, Topic: "clicks", Count: 1000, Malformed: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := p.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if p.Acked() != 1000 {
		t.Fatalf("acked %d, want 1000", p.Acked())
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.ConsumeTopics("clicks"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var good, bad int
	for good+bad < 1000 {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("read %d of 1000 before the deadline", good+bad)
		}
		fs.EachRecord(func(r *kgo.Record) {
			if json.Valid(r.Value) {
				good++
			} else {
				bad++
			}
		})
	}
	if bad != 100 {
		t.Errorf("malformed events = %d, want 100 (every 10th)", bad)
	}
}
