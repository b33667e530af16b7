package executor

import (
	"context"
	"time"

	"github.com/spate-io/spate/driver"
)

// registerLoop registers with the driver and heartbeats, registering
// again whenever the driver no longer knows the executor (it restarted,
// or declared the executor dead). A driver that cannot be reached is
// retried; a driver that refuses (another version) is asked again at
// RetryInterval, so upgrading the driver lets the executor in.
func (e *Executor) registerLoop() {
	defer e.wg.Done()
	for e.ctx.Err() == nil {
		resp, ok := e.register()
		if !ok {
			return
		}
		e.joinGossip(resp.Gossip)
		e.heartbeatUntilForgotten(time.Duration(resp.HeartbeatIntervalMs) * time.Millisecond)
		e.setRegistration(nil, "")
	}
}

// register tries until the driver accepts the executor or the executor
// closes.
func (e *Executor) register() (driver.RegisterResponse, bool) {
	req := driver.RegisterRequest{ID: e.id, Name: e.cfg.Name, Version: e.cfg.Version, Addr: e.Addr(),
		Gossip: driver.GossipAddr(e.ml), Slots: e.cfg.Slots, UDFs: e.cfg.UDFs}
	backoff := 50 * time.Millisecond
	for failures := 0; ; failures++ {
		ctx, cancel := context.WithTimeout(e.ctx, 5*time.Second)
		resp, err := e.client.Register(ctx, req)
		cancel()
		if err == nil {
			e.setRegistration(&resp, "")
			e.log.Info("executor: registered with the driver", "id", resp.ID, "driver", e.cfg.Driver, "driverVersion", resp.DriverVersion)
			return resp, true
		}
		if e.ctx.Err() != nil {
			return driver.RegisterResponse{}, false
		}
		if driver.IsCode(err, driver.CodeVersionMismatch) {
			_, prev := e.Registered()
			if prev != err.Error() {
				e.log.Error("executor: the driver refused this executor", "err", err)
			}
			e.setRegistration(nil, err.Error())
			backoff = e.cfg.RetryInterval
		} else if failures == 0 || failures%20 == 0 {
			e.log.Warn("executor: cannot register with the driver yet; retrying", "driver", e.cfg.Driver, "err", err)
		}
		if !e.sleep(backoff) {
			return driver.RegisterResponse{}, false
		}
		backoff = min(backoff*2, e.cfg.RetryInterval)
	}
}

// heartbeatUntilForgotten heartbeats at the driver's interval until the
// driver answers that it does not know the executor. A driver that does
// not answer is asked again: it may be restarting.
func (e *Executor) heartbeatUntilForgotten(interval time.Duration) {
	if interval <= 0 {
		interval = 500 * time.Millisecond
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for failures := 0; ; {
		select {
		case <-e.ctx.Done():
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(e.ctx, max(interval, time.Second))
		err := e.client.Heartbeat(ctx, e.id)
		cancel()
		switch {
		case err == nil:
			failures = 0
		case driver.IsCode(err, driver.CodeUnknownExecutor):
			e.log.Warn("executor: the driver no longer knows this executor; registering again", "driver", e.cfg.Driver)
			return
		case e.ctx.Err() != nil:
			return
		default:
			if failures == 0 {
				e.log.Warn("executor: heartbeat failed; retrying", "driver", e.cfg.Driver, "err", err)
			}
			failures++
		}
	}
}

// joinGossip joins the driver's memberlist (and Join), so the driver's
// failure detector watches this executor.
func (e *Executor) joinGossip(driverGossip string) {
	addrs := append([]string(nil), e.cfg.Join...)
	if driverGossip != "" {
		addrs = append(addrs, driverGossip)
	}
	if len(addrs) == 0 {
		return
	}
	if _, err := e.ml.Join(addrs); err != nil {
		e.log.Warn("executor: could not join the gossip; the driver still watches the heartbeats", "addrs", addrs, "err", err)
	}
}

func (e *Executor) setRegistration(r *driver.RegisterResponse, refusal string) {
	e.mu.Lock()
	e.reg, e.refuse = r, refusal
	e.mu.Unlock()
}

// sleep waits d or until the executor closes; false when it closed.
func (e *Executor) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-e.ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
