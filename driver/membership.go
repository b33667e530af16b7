package driver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/hashicorp/memberlist"

	"github.com/spate-io/spate/internal/gossip"
)

// Roles in NodeMeta.
const (
	RoleDriver   = "driver"
	RoleExecutor = "executor"
)

// NodeMeta is what a driver or executor gossips about itself in
// memberlist's node meta (at most 512 bytes). An executor's memberlist
// node name is its registration id.
type NodeMeta struct {
	Role    string `json:"role"`
	HTTP    string `json:"http"`
	Slots   int    `json:"slots,omitempty"`
	Version string `json:"version"`
}

// GossipConfig starts a memberlist node for a driver or an executor.
type GossipConfig struct {
	// Name is the node's unique name.
	Name string
	// Bind is host:port for UDP and TCP; port 0 picks a free port.
	Bind string
	Meta NodeMeta
	// ProbeInterval is how often a random member is probed; a member that
	// fails a probe is suspected and, after 2 probe intervals of
	// suspicion without refuting it, dead. The default is 500ms.
	ProbeInterval time.Duration
	// Events receives joins and leaves; nil for none.
	Events memberlist.EventDelegate
	Logger *slog.Logger
}

// StartGossip binds a memberlist node tuned for fast failure detection
// between a driver and its executors on one network: a dead executor is
// declared dead within a few probe intervals.
func StartGossip(c GossipConfig) (*memberlist.Memberlist, error) {
	probe := c.ProbeInterval
	if probe <= 0 {
		probe = 500 * time.Millisecond
	}
	lg := c.Logger
	if lg == nil {
		lg = slog.Default()
	}
	ml, err := gossip.Start(gossip.Config{
		Name: c.Name, Bind: c.Bind, Meta: c.Meta,
		ProbeInterval: probe, ProbeTimeout: probe / 2, SuspicionMult: 2,
		GossipInterval: 100 * time.Millisecond, PushPullInterval: 15 * time.Second,
		TCPTimeout: max(time.Second, 2*probe),
		Events:     c.Events,
		Logger:     log.New(&memberlistLog{log: lg.With("component", "memberlist")}, "", 0),
	})
	if err != nil {
		return nil, fmt.Errorf("driver: %w", err)
	}
	return ml, nil
}

// GossipAddr is a memberlist node's own address.
func GossipAddr(ml *memberlist.Memberlist) string {
	n := ml.LocalNode()
	return net.JoinHostPort(n.Addr.String(), strconv.Itoa(int(n.Port)))
}

// ParseNodeMeta reads a member's NodeMeta; ok is false for a member that
// is not a spate driver or executor.
func ParseNodeMeta(n *memberlist.Node) (NodeMeta, bool) {
	var m NodeMeta
	if err := json.Unmarshal(n.Meta, &m); err != nil || (m.Role != RoleDriver && m.Role != RoleExecutor) {
		return NodeMeta{}, false
	}
	return m, true
}

// memberlistLog turns memberlist's "[LEVEL] memberlist: ..." lines into
// slog records: errors as warnings, the rest at debug. A lost member makes
// memberlist complain at every probe; the driver says it once, in its own
// words ("executor lost").
type memberlistLog struct{ log *slog.Logger }

func (w *memberlistLog) Write(p []byte) (int, error) {
	line := string(bytes.TrimSpace(p))
	level := slog.LevelDebug
	// A node shutting down makes memberlist complain once more about its
	// own closed sockets: not worth a warning.
	if bytes.Contains(p, []byte("[ERR]")) && !bytes.Contains(p, []byte("use of closed network connection")) {
		level = slog.LevelWarn
	}
	w.log.Log(context.Background(), level, line)
	return len(p), nil
}

var _ io.Writer = (*memberlistLog)(nil)

// driverEvents is the driver's memberlist EventDelegate: an executor node
// that leaves or fails its probes is declared dead.
type driverEvents struct {
	execs *executors
	log   *slog.Logger
}

func (e driverEvents) NotifyJoin(n *memberlist.Node) {
	if m, ok := ParseNodeMeta(n); ok {
		e.log.Debug("driver: gossip member joined", "node", n.Name, "role", m.Role)
		if m.Role == RoleExecutor {
			e.execs.setGossip(n.Name, true)
		}
	}
}

func (e driverEvents) NotifyLeave(n *memberlist.Node) {
	if m, ok := ParseNodeMeta(n); ok && m.Role == RoleExecutor {
		e.execs.setGossip(n.Name, false)
		e.execs.markDead(n.Name, "memberlist: the node failed its probes or left")
	}
}

func (driverEvents) NotifyUpdate(*memberlist.Node) {}
