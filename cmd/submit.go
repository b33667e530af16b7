package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"

	"github.com/spf13/cobra"

	"github.com/spate-io/spate/driver"
)

func init() {
	var (
		addr   string
		output string
	)
	c := &cobra.Command{
		Use:   "submit PLAN.json | - | JOB-BINARY [-- JOB-FLAGS...]",
		Short: "submit a query plan to a driver",
		Long: "Sends a plan to the driver, which checks it (format version, checkpoint location, that the\n" +
			"source topics exist and that live executors have its UDFs) and starts it. The plan is a\n" +
			"file written by `<job> plan`, - for standard input, or a job program, which is run with\n" +
			"`plan` and the flags after -- to print it.",
		Example: "  go run ./examples/etl plan --topic events --out /data/out --checkpoint /data/ckpt > etl.json\n" +
			"  spate submit --driver 127.0.0.1:7077 etl.json\n" +
			"  spate submit --driver 127.0.0.1:7077 ./bin/etl -- --topic events --out /data/out",
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			planJSON, err := readPlan(c.Context(), args[0], args[1:], c.InOrStdin())
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(c.Context(), 60*time.Second)
			defer cancel()
			resp, err := driver.NewClient(addr).Submit(ctx, planJSON)
			if err != nil {
				return err
			}
			return printSubmitted(c.OutOrStdout(), output, resp)
		},
	}
	c.Flags().StringVar(&addr, "driver", defaultDriver(), "the driver's HTTP address ($SPATE_DRIVER)")
	c.Flags().StringVarP(&output, "output", "o", "text", "text or json")
	addCommand(c)
}

// readPlan reads plan JSON from a file, standard input ("-") or the
// output of a job program's plan verb.
func readPlan(ctx context.Context, src string, jobArgs []string, stdin io.Reader) ([]byte, error) {
	if src == "-" {
		return io.ReadAll(io.LimitReader(stdin, 64<<20))
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return nil, fmt.Errorf("submit: %w", err)
	}
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		if len(jobArgs) > 0 {
			return nil, fmt.Errorf("submit: %s is a plan file; flags after it (%v) are for job programs", src, jobArgs)
		}
		return data, nil
	}
	if st, err := os.Stat(src); err != nil || st.Mode()&0o111 == 0 {
		return nil, fmt.Errorf("submit: %s is neither plan JSON nor an executable job program", src)
	}
	var out, errOut bytes.Buffer
	cmd := exec.CommandContext(ctx, src, append([]string{"plan"}, jobArgs...)...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("submit: `%s plan` failed: %v\n%s", src, err, errOut.Bytes())
	}
	return out.Bytes(), nil
}

func printSubmitted(w io.Writer, output string, resp driver.SubmitResponse) error {
	if output == "json" {
		return writeJSONOut(w, resp)
	}
	verb := "submitted"
	if resp.Resubmitted {
		verb = "already running"
	}
	_, err := fmt.Fprintf(w, "%s: query %s (id %s, run %s)\n", verb, resp.Name, resp.ID, resp.RunID)
	for _, warn := range resp.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warn)
	}
	return err
}

// defaultDriver is $SPATE_DRIVER or the driver's default address.
func defaultDriver() string {
	if a := os.Getenv("SPATE_DRIVER"); a != "" {
		return a
	}
	return driver.DefaultListen
}

func writeJSONOut(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
