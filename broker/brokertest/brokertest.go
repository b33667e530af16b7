// Package brokertest starts an in-process spate broker for tests: a real
// TCP listener on 127.0.0.1 with a port of its own, data in a temporary
// folder, closed when the test ends.
//
// # Usage
//
//	addr := brokertest.Start(t)
//	cl, _ := kgo.NewClient(kgo.SeedBrokers(addr))
//
// Options adjust the broker.Config before start:
//
//	b := brokertest.StartBroker(t, func(c *broker.Config) { c.DefaultPartitions = 6 })
//
// StartCluster starts an in-process cluster with fault hooks:
//
//	c := brokertest.StartCluster(t, 3)
//	cl, _ := kgo.NewClient(kgo.SeedBrokers(c.Addrs()...))
//	c.Kill(2)    // a crash, as the others see it
//	c.Restart(2) // same data, same addresses
package brokertest

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/spate-io/spate/broker"
)

// Start starts a broker and returns its address.
func Start(t testing.TB, opts ...func(*broker.Config)) string {
	return StartBroker(t, opts...).Addr()
}

// StartBroker starts a broker and returns it; it is closed at cleanup.
// Defaults for tests: data under t.TempDir(), a free port on 127.0.0.1, no
// initial rebalance delay, a 1s minimum session timeout, warnings logged.
func StartBroker(t testing.TB, opts ...func(*broker.Config)) *broker.Broker {
	t.Helper()
	cfg := Config(t)
	for _, o := range opts {
		o(&cfg)
	}
	b, err := broker.New(cfg)
	if err != nil {
		t.Fatalf("brokertest: %v", err)
	}
	if err := b.Start(); err != nil {
		b.Close()
		t.Fatalf("brokertest: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := b.WaitReady(ctx); err != nil {
		b.Close()
		t.Fatalf("brokertest: %v", err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("brokertest: closing broker: %v", err)
		}
	})
	return b
}

// Config is the test configuration StartBroker begins from.
func Config(t testing.TB) broker.Config {
	return broker.Config{
		DataDir:                    t.TempDir(),
		Listen:                     "127.0.0.1:0",
		GroupInitialRebalanceDelay: -1,
		GroupMinSessionTimeout:     time.Second,
		OffsetsTopicPartitions:     4,
		Logger:                     slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
}
