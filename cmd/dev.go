package cmd

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
)

func init() {
	var (
		f        brokerFlags
		duration time.Duration
	)
	c := &cobra.Command{
		Use:   "dev",
		Short: "run the embedded default on localhost (for now: a broker)",
		Long: "Starts a broker on 127.0.0.1:9092 with its data under --data and tells how to\n" +
			"produce and consume. Stops on Ctrl-C or after --duration.",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			b, err := startBroker(f.config())
			if err != nil {
				return err
			}
			out := c.OutOrStdout()
			fmt.Fprintf(out, "spate dev: broker serving on %s, data in %s\n\n", b.Addr(), f.data)
			fmt.Fprintf(out, "  produce:  seq 1 10 | ./bin/spate produce demo --brokers %s\n", b.Addr())
			fmt.Fprintf(out, "  consume:  ./bin/spate consume demo --brokers %s -n 10\n", b.Addr())
			fmt.Fprintf(out, "  topics:   ./bin/spate topic list --brokers %s\n", b.Addr())
			fmt.Fprintf(out, "  lag:      ./bin/spate lag --brokers %s\n\n", b.Addr())
			fmt.Fprintln(out, "any Kafka client works too, e.g. kcat -b", b.Addr(), "-L")
			ctx := c.Context()
			if duration > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, duration)
				defer cancel()
			}
			<-ctx.Done()
			fmt.Fprintln(out, "spate dev: stopping")
			return b.Close()
		},
	}
	f.register(c, ".spate")
	c.Flags().DurationVar(&duration, "duration", 0, "stop after this long (0: run until interrupted)")
	addCommand(c)
}
