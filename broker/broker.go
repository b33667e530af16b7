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

// Broker is one broker node: a TCP listener, the topic registry over the
// partition logs, and the group coordinator.
type Broker struct {
	cfg    Config
	log    *slog.Logger
	ctx    context.Context
	cancel context.CancelFunc

	store  logStore
	topics *topicRegistry
	groups *coordinator
	bell   bell

	mu     sync.Mutex
	ln     net.Listener
	conns  map[*conn]struct{}
	wg     sync.WaitGroup
	closed bool
}

// New opens the broker's data folder (recovering every partition log and
// loading committed group offsets) without listening yet; call Start.
func New(cfg Config) (*Broker, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return nil, fmt.Errorf("broker: creating data folder: %w", err)
	}
	store, err := openLogStore(filepath.Join(cfg.DataDir, "logs"), cfg)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	b := &Broker{cfg: cfg, log: cfg.Logger, ctx: ctx, cancel: cancel, store: store, conns: map[*conn]struct{}{}}
	if b.topics, err = openTopics(cfg.DataDir, store); err != nil {
		store.Close()
		cancel()
		return nil, err
	}
	if b.groups, err = newCoordinator(b); err != nil {
		store.Close()
		cancel()
		return nil, err
	}
	return b, nil
}

// Start listens on Config.Listen and serves clients in the background.
func (b *Broker) Start() error {
	ln, err := net.Listen("tcp", b.cfg.Listen)
	if err != nil {
		return fmt.Errorf("broker: listening on %s: %w", b.cfg.Listen, err)
	}
	if err := b.setListener(ln); err != nil {
		return err
	}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		if err := b.acceptLoop(ln); err != nil {
			b.log.Error(err.Error())
		}
	}()
	return nil
}

// Serve accepts clients on ln until Close; it returns nil after Close.
func (b *Broker) Serve(ln net.Listener) error {
	if err := b.setListener(ln); err != nil {
		return err
	}
	return b.acceptLoop(ln)
}

func (b *Broker) setListener(ln net.Listener) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		ln.Close()
		return errors.New("broker: serving after Close")
	}
	b.ln = ln
	return nil
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

// Addr is the address the broker listens on ("" before Start), with the
// real port when Config.Listen asked for port 0.
func (b *Broker) Addr() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ln == nil {
		return ""
	}
	return b.ln.Addr().String()
}

// advertised is the host:port given to clients in Metadata.
func (b *Broker) advertised() (string, int32) {
	addr := b.cfg.AdvertisedAddr
	if addr == "" {
		addr = b.Addr()
	}
	host, port, _ := net.SplitHostPort(addr)
	var p int32
	fmt.Sscan(port, &p)
	return host, p
}

// Close stops accepting, closes every connection, stops the group
// coordinator and closes the logs (flushing them). It is safe to call twice.
func (b *Broker) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	b.cancel()
	if b.ln != nil {
		b.ln.Close()
	}
	for c := range b.conns {
		c.close()
	}
	b.mu.Unlock()
	b.wg.Wait()
	b.groups.close()
	return b.store.Close()
}
