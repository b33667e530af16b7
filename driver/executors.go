package driver

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"
)

// executors is the driver's table of registered executors: who is alive,
// how many of their slots are taken, which plans they hold, and the tasks
// running on each so that a lost executor's tasks are cancelled at once
// and rescheduled.
//
// An executor is alive from its registration until it misses heartbeats
// for HeartbeatTimeout, memberlist declares its node dead, a connection to
// it is refused, or it leaves. A dead executor is not revived by its
// heartbeats (they are answered with CodeUnknownExecutor): it registers
// again, under the same id, and starts afresh.
type executors struct {
	log     *slog.Logger
	now     func() time.Time
	timeout time.Duration

	mu       sync.Mutex
	byID     map[string]*executor
	gossip   map[string]bool // memberlist nodes seen alive, by name (the executor id)
	changed  chan struct{}   // closed and replaced at every change
	onChange func(alive int)
}

type executor struct {
	info  ExecutorInfo
	plans map[string]bool // plan hashes the executor has cached
	tasks map[*lease]bool // tasks running there
}

// lease is one task's slot on an executor, from place until release.
type lease struct {
	execID, name, addr string
	// ctx ends when the task's batch ends or the executor is lost.
	ctx    context.Context
	cancel context.CancelFunc
	// lost is why the executor was lost while the task ran ("" if not).
	lost string
}

func newExecutors(log *slog.Logger, timeout time.Duration, onChange func(alive int)) *executors {
	return &executors{log: log, now: time.Now, timeout: timeout, byID: map[string]*executor{}, gossip: map[string]bool{},
		changed: make(chan struct{}), onChange: onChange}
}

// notify wakes everyone waiting for a change; mu is held.
func (e *executors) notify() {
	close(e.changed)
	e.changed = make(chan struct{})
	if e.onChange != nil {
		e.onChange(e.aliveLocked())
	}
}

// Changed returns a channel closed at the next change of the table.
func (e *executors) Changed() <-chan struct{} {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.changed
}

// register adds an executor, or replaces the entry of the same id (an
// executor registering again starts afresh: its old tasks were cancelled
// when it was declared dead), and returns its info.
func (e *executors) register(req RegisterRequest) ExecutorInfo {
	now := e.now()
	id := req.ID
	if id == "" {
		var rnd [4]byte
		_, _ = rand.Read(rnd[:])
		id = req.Name + "-" + hex.EncodeToString(rnd[:])
	}
	info := ExecutorInfo{
		ID: id, Name: req.Name, Version: req.Version, Addr: req.Addr,
		Gossip: req.Gossip, Slots: req.Slots, UDFs: append([]string{}, slices.Sorted(slices.Values(req.UDFs))...), Alive: true,
		RegisteredAt: now, LastHeartbeat: now,
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if old, ok := e.byID[id]; ok {
		for l := range old.tasks {
			l.lost = "it registered again"
			l.cancel()
		}
	}
	info.InGossip = e.gossip[id]
	e.byID[info.ID] = &executor{info: info, plans: map[string]bool{}, tasks: map[*lease]bool{}}
	e.log.Info("driver: executor registered", "executor", info.ID, "addr", info.Addr, "slots", info.Slots)
	e.notify()
	return info
}

// heartbeat records that an executor is alive; an unknown or dead one
// must register again.
func (e *executors) heartbeat(id string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	x, ok := e.byID[id]
	if !ok || !x.info.Alive {
		return fmt.Errorf("driver: executor %s is not registered (the driver restarted or declared it dead); register again", id)
	}
	x.info.LastHeartbeat = e.now()
	return nil
}

// setGossip records that memberlist sees the executor's node alive or not.
func (e *executors) setGossip(id string, alive bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if alive {
		e.gossip[id] = true
	} else {
		delete(e.gossip, id)
	}
	if x, ok := e.byID[id]; ok {
		x.info.InGossip = alive
	}
}

// markDead declares an executor dead and cancels its running tasks.
func (e *executors) markDead(id, why string) { e.remove(id, why, slog.LevelWarn) }

// leave is an executor's graceful goodbye.
func (e *executors) leave(id string) { e.remove(id, "it left", slog.LevelInfo) }

func (e *executors) remove(id, why string, level slog.Level) {
	e.mu.Lock()
	defer e.mu.Unlock()
	x, ok := e.byID[id]
	if !ok || !x.info.Alive {
		return
	}
	x.info.Alive, x.info.Why = false, why
	for l := range x.tasks {
		l.lost = why
		l.cancel()
	}
	e.log.Log(context.Background(), level, "driver: executor gone; its tasks go elsewhere", "executor", id, "why", why, "tasks", len(x.tasks))
	e.notify()
}

// expire declares dead every executor whose last heartbeat is older than
// the timeout, and forgets executors dead for a long while.
func (e *executors) expire() {
	now := e.now()
	var late []string
	e.mu.Lock()
	for id, x := range e.byID {
		switch {
		case x.info.Alive && now.Sub(x.info.LastHeartbeat) > e.timeout:
			late = append(late, id)
		case !x.info.Alive && len(x.tasks) == 0 && now.Sub(x.info.LastHeartbeat) > forgetDeadAfter:
			delete(e.byID, id)
		}
	}
	e.mu.Unlock()
	for _, id := range late {
		e.markDead(id, fmt.Sprintf("no heartbeat for %s", e.timeout))
	}
}

// forgetDeadAfter is how long a dead executor stays listed.
const forgetDeadAfter = 10 * time.Minute

// acquire places a task with the given key on an executor that has the
// UDFs and a free slot (see place), and takes the slot. exclude lists the
// executors the task failed on. It returns nil when the task must wait.
func (e *executors) acquire(ctx context.Context, key string, udfs []string, exclude map[string]bool) *lease {
	e.mu.Lock()
	defer e.mu.Unlock()
	var cands []candidate
	for id, x := range e.byID {
		if x.info.Alive && hasAll(x.info.UDFs, udfs) {
			cands = append(cands, candidate{ID: id, Name: x.info.Name, Free: x.info.Slots - x.info.Running, Excluded: exclude[id]})
		}
	}
	id, ok := place(key, cands)
	if !ok {
		return nil
	}
	x := e.byID[id]
	x.info.Running++
	l := &lease{execID: id, name: x.info.Name, addr: x.info.Addr}
	l.ctx, l.cancel = context.WithCancel(ctx)
	x.tasks[l] = true
	return l
}

// release gives a lease's slot back and counts the task's outcome.
func (e *executors) release(l *lease, ok bool) {
	l.cancel()
	e.mu.Lock()
	defer e.mu.Unlock()
	x, found := e.byID[l.execID]
	if !found || !x.tasks[l] {
		return
	}
	delete(x.tasks, l)
	x.info.Running--
	if ok {
		x.info.TasksDone++
	} else {
		x.info.TasksFailed++
	}
	e.notify()
}

// lostReason is why the lease's executor was lost while the task ran, ""
// if it was not.
func (e *executors) lostReason(l *lease) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return l.lost
}

// hasPlan and setPlan track which plans an executor has cached, so tasks
// to it can leave the plan out.
func (e *executors) hasPlan(id, hash string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	x, ok := e.byID[id]
	return ok && x.plans[hash]
}

func (e *executors) setPlan(id, hash string, has bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if x, ok := e.byID[id]; ok {
		x.plans[hash] = has
	}
}

// alive counts the live executors.
func (e *executors) alive() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.aliveLocked()
}

func (e *executors) aliveLocked() int {
	n := 0
	for _, x := range e.byID {
		if x.info.Alive {
			n++
		}
	}
	return n
}

// aliveWith counts the live executors that have every UDF in udfs.
func (e *executors) aliveWith(udfs []string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, x := range e.byID {
		if x.info.Alive && hasAll(x.info.UDFs, udfs) {
			n++
		}
	}
	return n
}

// missingUDFs lists the UDFs of udfs that no live executor has.
func (e *executors) missingUDFs(udfs []string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var missing []string
	for _, u := range udfs {
		found := false
		for _, x := range e.byID {
			if x.info.Alive && slices.Contains(x.info.UDFs, u) {
				found = true
				break
			}
		}
		if !found {
			missing = append(missing, u)
		}
	}
	return missing
}

// list returns every known executor, alive first, then by name.
func (e *executors) list() []ExecutorInfo {
	e.mu.Lock()
	out := make([]ExecutorInfo, 0, len(e.byID))
	for _, x := range e.byID {
		out = append(out, x.info)
	}
	e.mu.Unlock()
	slices.SortFunc(out, func(a, b ExecutorInfo) int {
		if a.Alive != b.Alive {
			if a.Alive {
				return -1
			}
			return 1
		}
		if a.Name != b.Name {
			if a.Name < b.Name {
				return -1
			}
			return 1
		}
		if a.ID < b.ID {
			return -1
		}
		return 1
	})
	return out
}

// hasAll reports whether the sorted list have holds every name in want.
func hasAll(have, want []string) bool {
	for _, w := range want {
		if _, ok := slices.BinarySearch(have, w); !ok {
			return false
		}
	}
	return true
}
