package driver

import (
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/spate-io/spate/engine"
)

// Config is a driver's configuration. The zero value of every field but
// DataDir and Version means its default.
type Config struct {
	// Listen is the TCP address of the HTTP API, the status page and
	// /metrics. The default is 127.0.0.1:7077; port 0 picks a free port
	// (see Driver.Addr).
	Listen string
	// DataDir keeps the list of submitted queries and their desired state,
	// so a restarted driver resumes the running ones. Required.
	DataDir string
	// Version is the spate build; executors of another version are refused.
	// Required.
	Version string

	// Gossip is the memberlist address (UDP and TCP). The default is the
	// host of Listen with port 0 (a free port, told to executors when they
	// register).
	Gossip string
	// Join lists memberlist addresses of cluster members to join at start
	// (executors that outlived a driver restart). The default is none.
	Join []string

	// HeartbeatInterval is how often executors are asked to heartbeat. The
	// default is 500ms.
	HeartbeatInterval time.Duration
	// HeartbeatTimeout declares an executor dead when it has not
	// heartbeated for this long; its running tasks are rescheduled. The
	// default is 2s.
	HeartbeatTimeout time.Duration
	// ProbeInterval is memberlist's failure-probe interval; a node that
	// fails a probe and its suspicion period is dead. The default is
	// 500ms.
	ProbeInterval time.Duration

	// MaxTaskAttempts bounds the tries of one task before its batch fails.
	// The default is engine.DefaultMaxTaskAttempts (4).
	MaxTaskAttempts int
	// MaxSubmitBytes bounds a submitted plan's size; a larger body is
	// refused with 413. The default is 4 MiB.
	MaxSubmitBytes int64
	// SubmitCheckTimeout bounds how long submit may take to ask a source
	// whether its topics exist. The default is 10s.
	SubmitCheckTimeout time.Duration
	// QueryPollInterval is how long a query with a zero trigger interval
	// waits before looking for new data again. The default is 50ms.
	QueryPollInterval time.Duration

	// Logger receives the driver's log; the default is slog.Default().
	Logger *slog.Logger
}

// DefaultListen is the driver's default HTTP address.
const DefaultListen = "127.0.0.1:7077"

func (c *Config) defaults() {
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	if c.Gossip == "" {
		host, _, err := net.SplitHostPort(c.Listen)
		if err != nil || host == "" {
			host = "127.0.0.1"
		}
		c.Gossip = net.JoinHostPort(host, "0")
	}
	if c.HeartbeatInterval <= 0 {
		c.HeartbeatInterval = 500 * time.Millisecond
	}
	if c.HeartbeatTimeout <= 0 {
		c.HeartbeatTimeout = 2 * time.Second
	}
	if c.ProbeInterval <= 0 {
		c.ProbeInterval = 500 * time.Millisecond
	}
	if c.MaxTaskAttempts <= 0 {
		c.MaxTaskAttempts = engine.DefaultMaxTaskAttempts
	}
	if c.MaxSubmitBytes <= 0 {
		c.MaxSubmitBytes = 4 << 20
	}
	if c.SubmitCheckTimeout <= 0 {
		c.SubmitCheckTimeout = 10 * time.Second
	}
	if c.QueryPollInterval <= 0 {
		c.QueryPollInterval = 50 * time.Millisecond
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// Validate checks the configuration after defaults are applied.
func (c *Config) Validate() error {
	if c.DataDir == "" {
		return fmt.Errorf("driver: DataDir is required: the folder that keeps the submitted queries")
	}
	if c.Version == "" {
		return fmt.Errorf("driver: Version is required: executors of another version are refused")
	}
	for name, addr := range map[string]string{"Listen": c.Listen, "Gossip": c.Gossip} {
		if _, _, err := net.SplitHostPort(addr); err != nil {
			return fmt.Errorf("driver: %s %q is not host:port", name, addr)
		}
	}
	if c.HeartbeatTimeout <= c.HeartbeatInterval {
		return fmt.Errorf("driver: HeartbeatTimeout %s must be longer than HeartbeatInterval %s, or every executor is dead between two heartbeats",
			c.HeartbeatTimeout, c.HeartbeatInterval)
	}
	return nil
}
