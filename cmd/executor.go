package cmd

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/executor"
)

func init() {
	var (
		cfg      executor.Config
		join     []string
		logLevel string
	)
	c := &cobra.Command{
		Use:   "executor",
		Short: "run an executor: registers with the driver and runs its tasks",
		Long: "Runs an executor process. It registers with the driver at --driver (retrying until the\n" +
			"driver is up), joins the cluster's gossip, and runs up to --slots tasks at a time: each\n" +
			"reads exact offset ranges, runs the plan and writes the sink's files. UDFs are those this\n" +
			"binary registered; run a custom build (see `go doc github.com/spate-io/spate/cmd`) for more.",
		Example: "  spate executor --driver 127.0.0.1:7077 --name executor-1 --slots 2",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			log, err := newLogger(logLevel, "")
			if err != nil {
				return err
			}
			if cfg.Name == "" {
				cfg.Name = "executor-" + strconv.Itoa(os.Getpid())
			}
			cfg.Join, cfg.Version, cfg.Logger = splitList(join), Version, log.With("executor", cfg.Name)
			e, err := executor.New(cfg)
			if err != nil {
				return err
			}
			if err := e.Start(); err != nil {
				return err
			}
			fmt.Fprintf(c.ErrOrStderr(), "spate executor %s serving tasks on %s (%d slots, UDFs %v), driver %s\n",
				cfg.Name, e.Addr(), cfg.Slots, engine.UDFs(), cfg.Driver)
			<-c.Context().Done()
			return e.Close()
		},
	}
	f := c.Flags()
	f.StringVar(&cfg.Driver, "driver", "127.0.0.1:7077", "the driver's HTTP address")
	f.StringVar(&cfg.Name, "name", "", "executor name; a restarted executor of the same name gets its partitions back (default executor-<pid>)")
	f.StringVar(&cfg.Listen, "listen", "127.0.0.1:0", "HTTP address tasks are sent to (port 0: a free port)")
	f.StringVar(&cfg.Gossip, "gossip", "", "memberlist address (default: the listen host, a free port)")
	f.StringSliceVar(&join, "join", nil, "memberlist addresses to join besides the driver's (comma-separated)")
	f.IntVar(&cfg.Slots, "slots", runtime.GOMAXPROCS(0), "tasks run at once")
	f.DurationVar(&cfg.ProbeInterval, "probe-interval", 500*time.Millisecond, "memberlist failure-probe interval")
	f.StringVar(&logLevel, "log-level", "info", "debug, info, warn or error")
	addCommand(c)
}
