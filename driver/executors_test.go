package driver

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"
)

func newTestExecutors(now *time.Time) *executors {
	e := newExecutors(slog.New(slog.NewTextHandler(io.Discard, nil)), 2*time.Second, nil)
	e.now = func() time.Time { return *now }
	return e
}

func TestExecutorsExpireWithoutHeartbeatAndCancelTheirTasks(t *testing.T) {
	now := time.Unix(1000, 0)
	e := newTestExecutors(&now)
	a := e.register(RegisterRequest{ID: "a-1", Name: "a", Addr: "127.0.0.1:1", Slots: 1})
	b := e.register(RegisterRequest{ID: "b-1", Name: "b", Addr: "127.0.0.1:2", Slots: 1})
	l := e.acquire(context.Background(), "t-0", nil, nil)
	if l == nil {
		t.Fatal("no lease with two free executors")
	}
	now = now.Add(1500 * time.Millisecond)
	keep := b.ID
	if l.execID == b.ID {
		keep = a.ID
	}
	if err := e.heartbeat(keep); err != nil {
		t.Fatal(err)
	}
	now = now.Add(1 * time.Second)
	e.expire()
	if got := e.alive(); got != 1 {
		t.Fatalf("alive = %d after %s missed its heartbeats, want 1", got, l.execID)
	}
	select {
	case <-l.ctx.Done():
	default:
		t.Fatal("the lost executor's task was not cancelled")
	}
	if why := e.lostReason(l); why == "" {
		t.Fatal("no reason recorded for the lost task")
	}
	if err := e.heartbeat(l.execID); err == nil {
		t.Fatal("a dead executor's heartbeat was accepted; it must register again")
	}
	e.release(l, false)
	again := e.register(RegisterRequest{ID: l.execID, Name: l.name, Addr: "127.0.0.1:3", Slots: 1})
	if !again.Alive || e.alive() != 2 {
		t.Fatalf("re-registration: %+v, alive %d", again, e.alive())
	}
}

func TestExecutorsAcquireRespectsSlotsAndUDFs(t *testing.T) {
	now := time.Unix(1000, 0)
	e := newTestExecutors(&now)
	e.register(RegisterRequest{ID: "plain", Name: "plain", Addr: "127.0.0.1:1", Slots: 2})
	e.register(RegisterRequest{ID: "geo", Name: "geo", Addr: "127.0.0.1:2", Slots: 1, UDFs: []string{"geohash"}})
	l1 := e.acquire(context.Background(), "t-0", []string{"geohash"}, nil)
	if l1 == nil || l1.execID != "geo" {
		t.Fatalf("a task calling geohash went to %v, want geo", l1)
	}
	if l := e.acquire(context.Background(), "t-1", []string{"geohash"}, nil); l != nil {
		t.Fatalf("a second geohash task got %s although geo's one slot is taken", l.execID)
	}
	if got := e.missingUDFs([]string{"geohash", "nope"}); len(got) != 1 || got[0] != "nope" {
		t.Fatalf("missingUDFs = %v, want [nope]", got)
	}
	e.release(l1, true)
	if l := e.acquire(context.Background(), "t-1", []string{"geohash"}, nil); l == nil {
		t.Fatal("the released slot was not given out again")
	}
	for i := range 2 {
		if l := e.acquire(context.Background(), "x", nil, map[string]bool{"geo": true}); l == nil || l.execID != "plain" {
			t.Fatalf("task %d: want plain", i)
		}
	}
	if l := e.acquire(context.Background(), "x", nil, map[string]bool{"geo": true}); l != nil {
		t.Fatalf("got %s with every slot taken", l.execID)
	}
}
