package cmd

import (
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/spate-io/spate/driver"
	// The connectors a submitted plan may name; the executor command
	// shares them (same package).
	_ "github.com/spate-io/spate/sink/console"
	_ "github.com/spate-io/spate/sink/memory"
	_ "github.com/spate-io/spate/sink/parquet"
	_ "github.com/spate-io/spate/source/kafka"
	_ "github.com/spate-io/spate/source/rate"
)

func init() {
	var (
		cfg      driver.Config
		join     []string
		logLevel string
	)
	c := &cobra.Command{
		Use:   "driver",
		Short: "run the driver: queries, scheduling on executors, HTTP API and status page",
		Long: "Runs the driver service. Submit queries with `spate submit` or a job's `submit --driver`,\n" +
			"watch them with `spate jobs` or the status page at http://LISTEN/. Queries that were running\n" +
			"when the driver stopped resume from their checkpoints when it starts again.",
		Example: "  spate driver --listen 127.0.0.1:7077 --data .spate/driver\n" +
			"  spate executor --driver 127.0.0.1:7077 --slots 2",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			log, err := newLogger(logLevel, "")
			if err != nil {
				return err
			}
			cfg.Join, cfg.Version, cfg.Logger = splitList(join), Version, log
			d, err := driver.New(cfg)
			if err != nil {
				return err
			}
			if err := d.Start(); err != nil {
				return err
			}
			fmt.Fprintf(c.ErrOrStderr(), "spate driver serving on http://%s (gossip %s, data in %s)\n", d.Addr(), d.GossipAddr(), cfg.DataDir)
			<-c.Context().Done()
			return d.Close()
		},
	}
	f := c.Flags()
	f.StringVar(&cfg.Listen, "listen", driver.DefaultListen, "HTTP address of the API, the status page and /metrics")
	f.StringVar(&cfg.DataDir, "data", ".spate/driver", "folder that keeps the submitted queries and their desired state")
	f.StringVar(&cfg.Gossip, "gossip", "", "memberlist address (default: the listen host, a free port)")
	f.StringSliceVar(&join, "join", nil, "memberlist addresses of cluster members to join (comma-separated)")
	f.DurationVar(&cfg.HeartbeatInterval, "heartbeat-interval", 500*time.Millisecond, "how often executors heartbeat")
	f.DurationVar(&cfg.HeartbeatTimeout, "heartbeat-timeout", 2*time.Second, "declare an executor dead after this long without a heartbeat")
	f.DurationVar(&cfg.ProbeInterval, "probe-interval", 500*time.Millisecond, "memberlist failure-probe interval")
	f.IntVar(&cfg.MaxTaskAttempts, "max-task-attempts", 4, "tries of one task before its batch fails the query")
	f.StringVar(&logLevel, "log-level", "info", "debug, info, warn or error")
	addCommand(c)
}

// newLogger logs text lines to stderr at level, each with the given
// component attribute when not empty.
func newLogger(level, component string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: l}))
	if component != "" {
		log = log.With("component", component)
	}
	slog.SetDefault(log)
	return log, nil
}

// splitList drops empty entries of a comma-separated flag.
func splitList(in []string) []string {
	var out []string
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
