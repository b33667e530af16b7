package testcluster

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/spate-io/spate/driver"
	"github.com/spate-io/spate/internal/testutil"
)

// ReadyTimeout bounds how long a process may take to become ready.
const ReadyTimeout = 30 * time.Second

// Cluster is a broker, a driver and executors started as processes of the
// spate binary, with their data under one temporary folder.
type Cluster struct {
	t   testing.TB
	Dir string
	// BrokerAddr is the broker's Kafka address once StartBroker ran.
	BrokerAddr string
	// DriverAddr is the driver's HTTP address; it stays the same across
	// driver restarts, so executors find the new driver.
	DriverAddr string
	// DriverData is the driver's data folder.
	DriverData string
	// Broker and Driver are the processes last started.
	Broker, Driver *Process
	// Executors are the executor processes last started, by name.
	Executors map[string]*Process
}

// New returns a cluster with nothing started yet.
func New(t testing.TB) *Cluster {
	dir := t.TempDir()
	return &Cluster{t: t, Dir: dir, DriverAddr: testutil.FreeAddr(t), DriverData: filepath.Join(dir, "driver"), Executors: map[string]*Process{}}
}

// StartBroker starts a broker process and waits until it answers Kafka
// metadata requests. Topics are not auto-created: create them with
// CreateTopic.
func (c *Cluster) StartBroker(args ...string) string {
	c.t.Helper()
	if c.BrokerAddr == "" {
		c.BrokerAddr = testutil.FreeAddr(c.t)
	}
	base := []string{"broker", "--data", filepath.Join(c.Dir, "broker"), "--listen", c.BrokerAddr, "--no-auto-create"}
	c.Broker = StartProcess(c.t, "broker", append(base, args...)...)
	testutil.WaitFor(c.t, ReadyTimeout, 20*time.Millisecond, func() error {
		if c.Broker.Exited() {
			return fmt.Errorf("the broker exited: %s", c.Broker.Logs())
		}
		return pingBroker(c.BrokerAddr)
	})
	return c.BrokerAddr
}

func pingBroker(addr string) error {
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr))
	if err != nil {
		return err
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err = kadm.NewClient(cl).BrokerMetadata(ctx)
	return err
}

// StartDriver starts a driver process on DriverAddr with its data in
// DriverData and waits until it serves. Extra args follow the defaults
// (a short heartbeat timeout suits tests).
func (c *Cluster) StartDriver(args ...string) *Process {
	c.t.Helper()
	base := []string{"driver", "--listen", c.DriverAddr, "--data", c.DriverData}
	c.Driver = StartProcess(c.t, "driver", append(base, args...)...)
	testutil.WaitFor(c.t, ReadyTimeout, 20*time.Millisecond, func() error {
		if c.Driver.Exited() {
			return fmt.Errorf("the driver exited: %s", c.Driver.Logs())
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		return c.Client().Healthy(ctx)
	})
	return c.Driver
}

// StartExecutor starts an executor process named name and waits until
// the driver lists it alive.
func (c *Cluster) StartExecutor(name string, args ...string) *Process {
	c.t.Helper()
	base := []string{"executor", "--driver", c.DriverAddr, "--name", name}
	p := StartProcess(c.t, name, append(base, args...)...)
	c.Executors[name] = p
	testutil.WaitFor(c.t, ReadyTimeout, 20*time.Millisecond, func() error {
		if p.Exited() {
			return fmt.Errorf("%s exited: %s", name, p.Logs())
		}
		return c.executorAlive(name)
	})
	return p
}

func (c *Cluster) executorAlive(name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	execs, err := c.Client().Executors(ctx)
	if err != nil {
		return err
	}
	for _, e := range execs {
		if e.Name == name && e.Alive {
			return nil
		}
	}
	return fmt.Errorf("executor %s is not registered and alive at the driver", name)
}

// AliveExecutors counts the executors the driver lists alive.
func (c *Cluster) AliveExecutors() (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	execs, err := c.Client().Executors(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range execs {
		if e.Alive {
			n++
		}
	}
	return n, nil
}

// Client is an API client of the driver.
func (c *Cluster) Client() *driver.Client { return driver.NewClient(c.DriverAddr) }
