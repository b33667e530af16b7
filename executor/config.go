package executor

import (
	"fmt"
	"log/slog"
	"net"
	"runtime"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spate-io/spate/engine"
)

// Config is an executor's configuration. The zero value of every field but
// Driver and Version means its default.
type Config struct {
	// Driver is the driver's HTTP address (host:port). Required.
	Driver string
	// Version is the spate build; the driver refuses another version.
	// Required.
	Version string
	// Name names the executor for people and for task placement: a
	// restarted executor of the same name gets its partitions back. The
	// default is "executor".
	Name string
	// Listen is the HTTP address tasks are sent to. The default is
	// 127.0.0.1:0 (a free port, told to the driver).
	Listen string
	// Gossip is the memberlist address. The default is the host of Listen
	// with port 0.
	Gossip string
	// Join lists memberlist addresses to join besides the driver's, which
	// the driver gives at registration. The default is none.
	Join []string
	// Slots is how many tasks run at once. The default is GOMAXPROCS.
	Slots int
	// UDFs are the UDF names offered to the driver. The default is every
	// UDF this binary registered (engine.UDFs()).
	UDFs []string
	// ProbeInterval is memberlist's failure-probe interval. The default is
	// 500ms.
	ProbeInterval time.Duration
	// RetryInterval is the longest wait between attempts to reach the
	// driver. The default is 2s.
	RetryInterval time.Duration
	// PlanCacheSize is how many decoded plans are kept, by plan hash. The
	// default is 64.
	PlanCacheSize int
	// Mem allocates the tasks' records; the default is
	// memory.DefaultAllocator.
	Mem memory.Allocator
	// Logger receives the executor's log; the default is slog.Default().
	Logger *slog.Logger
}

func (c *Config) defaults() {
	if c.Name == "" {
		c.Name = "executor"
	}
	if c.Listen == "" {
		c.Listen = "127.0.0.1:0"
	}
	if c.Gossip == "" {
		host, _, err := net.SplitHostPort(c.Listen)
		if err != nil || host == "" {
			host = "127.0.0.1"
		}
		c.Gossip = net.JoinHostPort(host, "0")
	}
	if c.Slots <= 0 {
		c.Slots = runtime.GOMAXPROCS(0)
	}
	if c.UDFs == nil {
		c.UDFs = engine.UDFs()
	}
	if c.ProbeInterval <= 0 {
		c.ProbeInterval = 500 * time.Millisecond
	}
	if c.RetryInterval <= 0 {
		c.RetryInterval = 2 * time.Second
	}
	if c.PlanCacheSize <= 0 {
		c.PlanCacheSize = 64
	}
	if c.Mem == nil {
		c.Mem = memory.DefaultAllocator
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// Validate checks the configuration after defaults are applied.
func (c *Config) Validate() error {
	if c.Driver == "" {
		return fmt.Errorf("executor: Driver is required: the driver's HTTP address, e.g. 127.0.0.1:7077")
	}
	if c.Version == "" {
		return fmt.Errorf("executor: Version is required: the driver refuses executors of another version")
	}
	for name, addr := range map[string]string{"Listen": c.Listen, "Gossip": c.Gossip} {
		if _, _, err := net.SplitHostPort(addr); err != nil {
			return fmt.Errorf("executor: %s %q is not host:port", name, addr)
		}
	}
	return nil
}
