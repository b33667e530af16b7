package broker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
)

// Broker is one broker node: a TCP listener for Kafka clients, the control
// plane (its own, or a cluster's), the partition logs and their
// replication, and the group coordinator.
type Broker struct {
	cfg    Config
	log    *slog.Logger
	ctx    context.Context
	cancel context.CancelFunc
	addr   string // advertised host:port

	ctl      controlPlane
	store    *logStore
	replicas *replicaManager
	groups   *coordinator
	pids     producerIDs
	bell     bell // rung on appends and high watermark moves: wakes Fetch long polls

	mu     sync.Mutex
	ln     net.Listener
	conns  map[*conn]struct{}
	wg     sync.WaitGroup
	closed bool
}

// New opens the broker's data folder (recovering every partition log),
// binds Config.Listen and starts its control plane: alone, it is ready
// when New returns; in a cluster it joins through Config.Cluster.Seeds and
// is ready once the controller registered it (WaitReady). Call Start to
// serve clients.
func New(cfg Config) (b *Broker, err error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return nil, fmt.Errorf("broker: creating data folder: %w", err)
	}
	if err := checkDataLayout(cfg.DataDir); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	b = &Broker{cfg: cfg, log: cfg.Logger, ctx: ctx, cancel: cancel, conns: map[*conn]struct{}{}}
	b.pids.b = b
	var closers []func() error
	defer func() {
		if err != nil {
			cancel()
			for i := len(closers) - 1; i >= 0; i-- {
				closers[i]()
			}
		}
	}()
	if b.ln, err = net.Listen("tcp", cfg.Listen); err != nil {
		return nil, fmt.Errorf("broker: listening on %s: %w", cfg.Listen, err)
	}
	closers = append(closers, b.ln.Close)
	b.addr = cfg.AdvertisedAddr
	if b.addr == "" {
		b.addr = b.ln.Addr().String()
	}
	if b.store, err = openLogStore(filepath.Join(cfg.DataDir, "logs"), cfg); err != nil {
		return nil, err
	}
	closers = append(closers, b.store.close)
	if b.ctl, err = startControlPlane(cfg, b.addr); err != nil {
		return nil, err
	}
	closers = append(closers, b.ctl.Close)
	b.replicas = newReplicaManager(b)
	b.groups = newCoordinator(b)
	closers = append(closers, func() error { b.groups.close(); return nil })
	if _, ok := b.meta().Topic(offsetsTopic); !ok && !cfg.clustered() {
		// Alone, the broker creates it at once, so that New returns with
		// the groups loaded.
		if _, err := b.ctl.Apply(ctx, b.offsetsTopicCommand()); err != nil {
			return nil, fmt.Errorf("broker: creating %s: %w", offsetsTopic, err)
		}
	}
	go b.replicas.run()
	closers = append(closers, func() error { <-b.replicas.done; return nil })
	if !cfg.clustered() {
		<-b.replicas.ready
	}
	return b, nil
}

// checkDataLayout refuses a data folder of the earliest broker (topics in
// meta.json, no cluster metadata): its partitions would look like strays
// and be deleted.
func checkDataLayout(dir string) error {
	_, old := os.Stat(filepath.Join(dir, "meta.json"))
	_, cur := os.Stat(filepath.Join(dir, "cluster"))
	if old == nil && os.IsNotExist(cur) {
		return fmt.Errorf("broker: %s holds data of an earlier spate broker (meta.json), which this version does not read; move it away or start with another --data", dir)
	}
	return nil
}

// Start serves clients in the background.
func (b *Broker) Start() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return errors.New("broker: starting after Close")
	}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		if err := b.acceptLoop(b.ln); err != nil {
			b.log.Error(err.Error())
		}
	}()
	return nil
}

// WaitReady waits until the broker is registered with its controller and
// has opened its partitions and loaded its groups: from then on it leads
// what the metadata says it leads. A broker running alone is ready when
// New returns.
func (b *Broker) WaitReady(ctx context.Context) error {
	select {
	case <-b.replicas.ready:
		return nil
	case <-b.replicas.done:
		return errors.New("broker: closed before it was ready")
	case <-ctx.Done():
		return fmt.Errorf("broker: %d not ready (controller %d): %w", b.cfg.NodeID, b.ctl.ControllerID(), ctx.Err())
	}
}

func (b *Broker) acceptLoop(ln net.Listener) error {
	b.log.Info("broker: serving", "node", b.cfg.NodeID, "addr", ln.Addr().String(), "data", b.cfg.DataDir)
	for {
		nc, err := ln.Accept()
		if err != nil {
			if b.ctx.Err() != nil {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return fmt.Errorf("broker: accept: %w", err)
		}
		if tc, ok := nc.(*net.TCPConn); ok {
			tc.SetNoDelay(true)
		}
		c := b.newConn(nc)
		b.mu.Lock()
		if b.closed {
			b.mu.Unlock()
			nc.Close()
			return nil
		}
		b.conns[c] = struct{}{}
		b.wg.Add(1)
		b.mu.Unlock()
		go func() {
			defer b.wg.Done()
			c.serve()
			b.mu.Lock()
			delete(b.conns, c)
			b.mu.Unlock()
		}()
	}
}

// Leader is the broker id leading partition p of topic in this broker's
// metadata, -1 when it has none or does not exist.
func (b *Broker) Leader(topic string, p int32) int32 {
	if part, ok := b.meta().Partition(topic, p); ok {
		return part.Leader
	}
	return -1
}

// NodeID is the broker's id.
func (b *Broker) NodeID() int32 { return b.cfg.NodeID }

// Addr is the address the broker listens on, with the real port when
// Config.Listen asked for port 0.
func (b *Broker) Addr() string { return b.ln.Addr().String() }

// GossipAddr is the broker's memberlist address, to give other brokers as
// a seed; "" for a broker running alone.
func (b *Broker) GossipAddr() string {
	type gossiper interface{ GossipAddr() string }
	if g, ok := b.ctl.(gossiper); ok {
		return g.GossipAddr()
	}
	return ""
}

// ControllerID is the broker id of the cluster's controller as this broker
// knows it, -1 if none is elected.
func (b *Broker) ControllerID() int32 { return b.ctl.ControllerID() }

func splitHostPort(addr string) (string, int32) {
	host, port, _ := net.SplitHostPort(addr)
	var p int32
	fmt.Sscan(port, &p)
	return host, p
}

// Close leaves the cluster gracefully (the controller moves this broker's
// leaderships at once), stops serving, and closes the logs (flushing
// them). It is safe to call twice.
func (b *Broker) Close() error { return b.shutdown(true) }

// Kill stops the broker as a crash looks to the rest of a cluster: no
// goodbye, so the others notice through failure detection and elect new
// leaders. The logs are still closed in order. It is for fault tests of
// in-process clusters; a real crash is SIGKILL of the process.
func (b *Broker) Kill() error { return b.shutdown(false) }

func (b *Broker) shutdown(graceful bool) error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	b.mu.Unlock()
	var errs []error
	if c, ok := b.ctl.(crasher); ok && !graceful {
		errs = append(errs, c.Crash())
	} else {
		errs = append(errs, b.ctl.Close())
	}
	b.cancel()
	b.ln.Close()
	b.mu.Lock()
	for c := range b.conns {
		c.close()
	}
	b.mu.Unlock()
	b.wg.Wait()
	<-b.replicas.done
	b.groups.close()
	errs = append(errs, b.store.close())
	return errors.Join(errs...)
}
