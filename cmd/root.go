package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// Version is the spate release, set at build time with
// -ldflags "-X github.com/spate-io/spate/cmd.Version=v0.1.0".
var Version = "dev"

var root = &cobra.Command{
	Use:           "spate",
	Short:         "spate: micro-batch stream processing with an embedded Kafka-protocol broker",
	SilenceUsage:  true,
	SilenceErrors: true,
	Version:       Version,
}

// addCommand registers a top-level command; each command file calls it from init.
func addCommand(c *cobra.Command) { root.AddCommand(c) }

// Main runs the spate command line and exits with its status: 0 on success,
// 1 on error, 130 when interrupted.
func Main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := root.ExecuteContext(ctx)
	stop()
	if err == nil {
		return
	}
	if errors.Is(err, context.Canceled) {
		os.Exit(130)
	}
	fmt.Fprintln(os.Stderr, "spate:", err)
	os.Exit(1)
}

func init() {
	addCommand(&cobra.Command{
		Use:   "version",
		Short: "print the spate version",
		Args:  cobra.NoArgs,
		Run:   func(c *cobra.Command, _ []string) { fmt.Fprintln(c.OutOrStdout(), "spate", Version) },
	})
}
