package executor

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/hashicorp/memberlist"

	"github.com/spate-io/spate/driver"
	"github.com/spate-io/spate/engine"
)

// Executor is an executor process's service: it registers with the
// driver, joins the cluster's gossip, and runs the tasks the driver sends
// to its HTTP address, at most Slots at a time.
type Executor struct {
	cfg     Config
	log     *slog.Logger
	id      string
	worker  *engine.Worker
	plans   *planCache
	slots   chan struct{}
	client  *driver.Client
	metrics *metrics

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	ln  net.Listener
	srv *http.Server
	ml  *memberlist.Memberlist

	mu     sync.Mutex
	reg    *driver.RegisterResponse // nil while not registered
	refuse string                   // the driver's last refusal

	closeOnce sync.Once
	closeErr  error
}

// New checks cfg; Start serves.
func New(cfg Config) (*Executor, error) {
	cfg.defaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	e := &Executor{cfg: cfg, log: cfg.Logger, id: cfg.Name + "-" + hex.EncodeToString(rnd[:]),
		plans: newPlanCache(cfg.PlanCacheSize), slots: make(chan struct{}, cfg.Slots),
		client: driver.NewClient(cfg.Driver), metrics: newMetrics()}
	e.worker = engine.NewWorker(cfg.Name, cfg.Mem, cfg.Logger)
	e.ctx, e.cancel = context.WithCancel(context.Background())
	return e, nil
}

// Start listens for tasks, starts gossip and registers with the driver in
// the background: a driver that is not up yet is retried, not fatal.
func (e *Executor) Start() error {
	ln, err := net.Listen("tcp", e.cfg.Listen)
	if err != nil {
		return fmt.Errorf("executor: cannot listen on %s: %w", e.cfg.Listen, err)
	}
	e.ln = ln
	e.ml, err = driver.StartGossip(driver.GossipConfig{Name: e.id, Bind: e.cfg.Gossip, ProbeInterval: e.cfg.ProbeInterval,
		Meta: driver.NodeMeta{Role: driver.RoleExecutor, HTTP: ln.Addr().String(), Slots: e.cfg.Slots, Version: e.cfg.Version}, Logger: e.log})
	if err != nil {
		ln.Close()
		return err
	}
	e.srv = &http.Server{Handler: e.routes(), ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return e.ctx }}
	e.wg.Add(2)
	go func() {
		defer e.wg.Done()
		if err := e.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			e.log.Error("executor: HTTP server stopped", "err", err)
		}
	}()
	go e.registerLoop()
	e.log.Info("executor: serving tasks", "id", e.id, "addr", e.Addr(), "gossip", driver.GossipAddr(e.ml), "slots", e.cfg.Slots, "driver", e.cfg.Driver)
	return nil
}

// Run starts an executor and serves until ctx ends.
func Run(ctx context.Context, cfg Config) error {
	e, err := New(cfg)
	if err != nil {
		return err
	}
	if err := e.Start(); err != nil {
		return err
	}
	<-ctx.Done()
	return e.Close()
}

// ID is the executor's id: its memberlist node name and its id at the
// driver.
func (e *Executor) ID() string { return e.id }

// Addr is the HTTP address tasks are sent to.
func (e *Executor) Addr() string {
	if e.ln == nil {
		return e.cfg.Listen
	}
	return e.ln.Addr().String()
}

// Registered reports whether the driver accepted the executor; refusal is
// the driver's last refusal (another version), if any.
func (e *Executor) Registered() (ok bool, refusal string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.reg != nil, e.refuse
}

// Close leaves the driver and the gossip, cancels running tasks and
// closes the warm readers.
func (e *Executor) Close() error {
	e.closeOnce.Do(func() {
		var errs []error
		if ok, _ := e.Registered(); ok {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			if err := e.client.Leave(ctx, e.id); err != nil {
				e.log.Debug("executor: telling the driver it leaves", "err", err)
			}
			cancel()
		}
		e.cancel()
		if e.srv != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			errs = append(errs, e.srv.Shutdown(ctx))
			cancel()
		}
		if e.ml != nil {
			errs = append(errs, e.ml.Leave(time.Second), e.ml.Shutdown())
		}
		e.wg.Wait()
		errs = append(errs, e.worker.Close())
		e.closeErr = errors.Join(errs...)
	})
	return e.closeErr
}
