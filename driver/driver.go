package driver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/hashicorp/memberlist"
)

// Driver is the driver service: it runs submitted queries, schedules
// their tasks on registered executors, and serves the HTTP API, the status
// page and /metrics.
type Driver struct {
	cfg     Config
	log     *slog.Logger
	store   *stateStore
	execs   *executors
	tasks   *taskClient
	metrics *metrics
	queries *queries

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	ln  net.Listener
	srv *http.Server
	ml  *memberlist.Memberlist

	closeOnce sync.Once
	closeErr  error
}

// New checks cfg and opens the driver's data folder; Start serves.
func New(cfg Config) (*Driver, error) {
	cfg.defaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	store, err := openStateStore(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	d := &Driver{cfg: cfg, log: cfg.Logger, store: store, tasks: newTaskClient(), metrics: newMetrics()}
	d.execs = newExecutors(d.log, cfg.HeartbeatTimeout, func(alive int) { d.metrics.executors.Set(float64(alive)) })
	d.queries = newQueries(d, store)
	d.ctx, d.cancel = context.WithCancel(context.Background())
	return d, nil
}

// Start listens on Listen and Gossip, joins Join, resumes the queries
// that were running, and serves until Close.
func (d *Driver) Start() error {
	ln, err := net.Listen("tcp", d.cfg.Listen)
	if err != nil {
		d.Close()
		return fmt.Errorf("driver: cannot listen on %s: %w (is another driver running there?)", d.cfg.Listen, err)
	}
	d.ln = ln
	d.ml, err = StartGossip(GossipConfig{Name: "driver-" + ln.Addr().String(), Bind: d.cfg.Gossip, ProbeInterval: d.cfg.ProbeInterval,
		Meta: NodeMeta{Role: RoleDriver, HTTP: ln.Addr().String(), Version: d.cfg.Version}, Events: driverEvents{execs: d.execs, log: d.log}, Logger: d.log})
	if err != nil {
		d.Close()
		return err
	}
	if len(d.cfg.Join) > 0 {
		if _, err := d.ml.Join(d.cfg.Join); err != nil {
			d.log.Warn("driver: could not join the gossip members given; executors will find this driver when they register", "join", d.cfg.Join, "err", err)
		}
	}
	d.srv = &http.Server{Handler: d.routes(), ReadHeaderTimeout: 10 * time.Second}
	d.wg.Add(2)
	go func() {
		defer d.wg.Done()
		if err := d.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			d.log.Error("driver: HTTP server stopped", "err", err)
		}
	}()
	go d.expireLoop()
	if err := d.queries.resume(); err != nil {
		d.Close()
		return err
	}
	d.log.Info("driver: serving", "addr", d.Addr(), "gossip", d.gossipAddr(), "data", d.cfg.DataDir, "version", d.cfg.Version)
	return nil
}

// expireLoop declares executors dead when their heartbeats stop.
func (d *Driver) expireLoop() {
	defer d.wg.Done()
	t := time.NewTicker(max(d.cfg.HeartbeatInterval/2, 10*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-d.ctx.Done():
			return
		case <-t.C:
			d.execs.expire()
		}
	}
}

// Addr is the HTTP address the driver serves on.
func (d *Driver) Addr() string {
	if d.ln == nil {
		return d.cfg.Listen
	}
	return d.ln.Addr().String()
}

func (d *Driver) gossipAddr() string {
	if d.ml == nil {
		return ""
	}
	return GossipAddr(d.ml)
}

// GossipAddr is the driver's memberlist address.
func (d *Driver) GossipAddr() string { return d.gossipAddr() }

// Executors lists the executors the driver knows.
func (d *Driver) Executors() []ExecutorInfo { return d.execs.list() }

// Close stops every query (they stay marked running, so a restarted
// driver resumes them), the HTTP server and gossip, and releases the data
// folder.
func (d *Driver) Close() error {
	d.closeOnce.Do(func() {
		d.queries.close()
		d.cancel()
		var errs []error
		if d.srv != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			errs = append(errs, d.srv.Shutdown(ctx))
			cancel()
		} else if d.ln != nil {
			errs = append(errs, d.ln.Close())
		}
		if d.ml != nil {
			errs = append(errs, d.ml.Leave(time.Second), d.ml.Shutdown())
		}
		d.wg.Wait()
		errs = append(errs, d.store.close())
		d.closeErr = errors.Join(errs...)
	})
	return d.closeErr
}
