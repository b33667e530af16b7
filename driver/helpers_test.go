package driver_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/spate-io/spate/broker"
	"github.com/spate-io/spate/broker/brokertest"
	"github.com/spate-io/spate/driver"
	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/engine/plan"
	"github.com/spate-io/spate/executor"
	"github.com/spate-io/spate/internal/testcluster"
	"github.com/spate-io/spate/internal/testutil"
	"github.com/spate-io/spate/sink/parquet"
	"github.com/spate-io/spate/source/kafka"
)

const testVersion = "test-1"

func testLogger() *slog.Logger {
	if os.Getenv("SPATE_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// startDriver starts an in-process driver on a free port.
func startDriver(t *testing.T, dataDir string, opts ...func(*driver.Config)) *driver.Driver {
	t.Helper()
	cfg := driver.Config{Listen: "127.0.0.1:0", DataDir: dataDir, Version: testVersion, Logger: testLogger(),
		HeartbeatInterval: 100 * time.Millisecond, HeartbeatTimeout: time.Second, QueryPollInterval: 10 * time.Millisecond}
	for _, o := range opts {
		o(&cfg)
	}
	d, err := driver.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// startExecutor starts an in-process executor and waits until the driver
// lists it.
func startExecutor(t *testing.T, driverAddr, name string, opts ...func(*executor.Config)) *executor.Executor {
	t.Helper()
	cfg := executor.Config{Driver: driverAddr, Version: testVersion, Name: name, Slots: 2, Logger: testLogger()}
	for _, o := range opts {
		o(&cfg)
	}
	e, err := executor.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	testutil.WaitFor(t, 10*time.Second, 10*time.Millisecond, func() error {
		if ok, refusal := e.Registered(); !ok {
			return errorf("executor %s not registered (refusal: %q)", name, refusal)
		}
		return nil
	})
	return e
}

// startBroker starts an in-process broker without topic auto-creation.
func startBroker(t *testing.T) string {
	return brokertest.Start(t, func(c *broker.Config) { c.DisableAutoCreate = true })
}

// passthroughPlan reads topic from the start and writes topic, partition,
// offset and value to Parquet under out, checkpointed in ckpt.
func passthroughPlan(t *testing.T, name, brokers, topic, out, ckpt string) []byte {
	t.Helper()
	q, err := engine.NewSession(name).
		ReadStream(kafka.Subscribe(topic).Brokers(brokers).StartingOffsets(kafka.Earliest)).
		Select(engine.Col("topic"), engine.Col("partition"), engine.Col("offset"), engine.Col("value")).
		WriteStream(parquet.Sink(out)).
		Checkpoint(ckpt).
		Plan()
	if err != nil {
		t.Fatal(err)
	}
	b, err := plan.Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// waitCaughtUp waits until the query's last batch ends at the topic's end
// offsets.
func waitCaughtUp(t *testing.T, c *driver.Client, name, brokers, topic string, timeout time.Duration) driver.QueryStatus {
	t.Helper()
	ends := testcluster.EndOffsets(t, brokers, topic)
	var st driver.QueryStatus
	testutil.WaitFor(t, timeout, 20*time.Millisecond, func() error {
		var err error
		if st, err = c.Status(context.Background(), name); err != nil {
			return err
		}
		if st.State != driver.StateRunning {
			return errorf("query %s is %s: %s", name, st.State, st.Message)
		}
		if len(st.Sources) == 0 {
			return errorf("query %s has committed no batch yet (%s)", name, st.Message)
		}
		for p, end := range ends {
			if got, _ := st.Sources[0].EndOffset.Get(topic, p); got != end {
				return errorf("%s-%d at %d, want %d (%s)", topic, p, got, end, st.Message)
			}
		}
		return nil
	})
	return st
}

func dirs(t *testing.T) (out, ckpt string) {
	d := t.TempDir()
	return filepath.Join(d, "out"), filepath.Join(d, "ckpt")
}

func ctx10(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func decodeJSON(t *testing.T, r io.Reader, v any) {
	t.Helper()
	if err := json.NewDecoder(r).Decode(v); err != nil {
		t.Fatal(err)
	}
}
