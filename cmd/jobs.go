package cmd

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/spate-io/spate/driver"
	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/engine/batch"
)

func init() {
	var (
		addr   string
		output string
		last   int
	)
	jobs := &cobra.Command{
		Use:   "jobs",
		Short: "list, inspect, stop and restart the queries of a driver",
		Example: "  spate jobs list\n  spate jobs status etl -o json\n  spate jobs progress etl -n 5\n" +
			"  spate jobs stop etl\n  spate jobs restart etl\n  spate jobs executors",
	}
	jobs.PersistentFlags().StringVar(&addr, "driver", defaultDriver(), "the driver's HTTP address ($SPATE_DRIVER)")
	jobs.PersistentFlags().StringVarP(&output, "output", "o", "table", "table or json")
	client := func() *driver.Client { return driver.NewClient(addr) }
	run := func(fn func(ctx context.Context, w io.Writer, args []string) error) func(*cobra.Command, []string) error {
		return func(c *cobra.Command, args []string) error {
			if output != "table" && output != "json" {
				return fmt.Errorf("-o %q: want table or json", output)
			}
			ctx, cancel := context.WithTimeout(c.Context(), 30*time.Second)
			defer cancel()
			return fn(ctx, c.OutOrStdout(), args)
		}
	}
	jobs.AddCommand(&cobra.Command{Use: "list", Short: "list the queries", Args: cobra.NoArgs,
		RunE: run(func(ctx context.Context, w io.Writer, _ []string) error {
			qs, err := client().List(ctx)
			if err != nil {
				return err
			}
			if output == "json" {
				return writeJSONOut(w, qs)
			}
			return printQueries(w, qs)
		})})
	jobs.AddCommand(&cobra.Command{Use: "status NAME", Short: "a query's state, last batch and offsets", Args: cobra.ExactArgs(1),
		RunE: run(func(ctx context.Context, w io.Writer, args []string) error {
			st, err := client().Status(ctx, args[0])
			if err != nil {
				return err
			}
			if output == "json" {
				return writeJSONOut(w, st)
			}
			return printStatus(w, st)
		})})
	progress := &cobra.Command{Use: "progress NAME", Short: "the progress of a query's recent batches", Args: cobra.ExactArgs(1),
		RunE: run(func(ctx context.Context, w io.Writer, args []string) error {
			ps, err := client().Progress(ctx, args[0], last)
			if err != nil {
				return err
			}
			if output == "json" {
				return writeJSONOut(w, ps)
			}
			return printProgressTable(w, ps)
		})}
	progress.Flags().IntVarP(&last, "last", "n", 10, "how many batches (0: all the driver keeps)")
	jobs.AddCommand(progress)
	jobs.AddCommand(&cobra.Command{Use: "stop NAME", Short: "stop a query (its checkpoint stays; restart resumes it)", Args: cobra.ExactArgs(1),
		RunE: run(func(ctx context.Context, w io.Writer, args []string) error {
			st, err := client().Stop(ctx, args[0])
			if err != nil {
				return err
			}
			if output == "json" {
				return writeJSONOut(w, st)
			}
			_, err = fmt.Fprintf(w, "stopped: query %s\n", st.Name)
			return err
		})})
	jobs.AddCommand(&cobra.Command{Use: "restart NAME", Short: "restart a query from its checkpoint", Args: cobra.ExactArgs(1),
		RunE: run(func(ctx context.Context, w io.Writer, args []string) error {
			resp, err := client().Restart(ctx, args[0])
			if err != nil {
				return err
			}
			if output == "json" {
				return writeJSONOut(w, resp)
			}
			_, err = fmt.Fprintf(w, "restarted: query %s (id %s, run %s)\n", resp.Name, resp.ID, resp.RunID)
			return err
		})})
	jobs.AddCommand(&cobra.Command{Use: "executors", Short: "list the executors", Args: cobra.NoArgs,
		RunE: run(func(ctx context.Context, w io.Writer, _ []string) error {
			es, err := client().Executors(ctx)
			if err != nil {
				return err
			}
			if output == "json" {
				return writeJSONOut(w, es)
			}
			return printExecutors(w, es)
		})})
	addCommand(jobs)
}

func printQueries(w io.Writer, qs []driver.QueryStatus) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSTATE\tBATCH\tROWS\tROWS/S\tSTATUS")
	for _, q := range qs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%.0f\t%s\n", q.Name, q.State, batchText(q.BatchID), q.NumInputRows, q.ProcessedRowsPerSecond, oneLine(q.Message))
	}
	return tw.Flush()
}

func printStatus(w io.Writer, st driver.QueryStatus) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "query\t%s\n", st.Name)
	fmt.Fprintf(tw, "id\t%s\n", st.ID)
	fmt.Fprintf(tw, "run\t%s\n", st.RunID)
	fmt.Fprintf(tw, "state\t%s\n", st.State)
	fmt.Fprintf(tw, "status\t%s\n", oneLine(st.Message))
	fmt.Fprintf(tw, "checkpoint\t%s\n", st.Checkpoint)
	fmt.Fprintf(tw, "batch\t%s\n", batchText(st.BatchID))
	fmt.Fprintf(tw, "input rows\t%d (%.0f rows/s processed)\n", st.NumInputRows, st.ProcessedRowsPerSecond)
	for _, s := range st.Sources {
		fmt.Fprintf(tw, "source\t%s\n", s.Description)
		fmt.Fprintf(tw, "  end offset\t%s\n", offsetsText(s.EndOffset))
		fmt.Fprintf(tw, "  latest offset\t%s\n", offsetsText(s.LatestOffset))
	}
	return tw.Flush()
}

func printProgressTable(w io.Writer, ps []engine.Progress) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "BATCH\tTIME\tROWS\tIN ROWS/S\tPROCESSED ROWS/S\tMS\tTASKS\tMAX BEHIND")
	for _, p := range ps {
		behind := ""
		for _, s := range p.Sources {
			if m := s.Metrics["maxOffsetsBehindLatest"]; m != "" {
				behind = m
			}
		}
		fmt.Fprintf(tw, "%d\t%s\t%d\t%.0f\t%.0f\t%d\t%d\t%s\n", p.BatchID, p.Timestamp.Format(time.TimeOnly), p.NumInputRows,
			p.InputRowsPerSecond, p.ProcessedRowsPerSecond, p.BatchDuration, len(p.Tasks), behind)
	}
	return tw.Flush()
}

func printExecutors(w io.Writer, es []driver.ExecutorInfo) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tID\tADDRESS\tSLOTS\tRUNNING\tDONE\tFAILED\tSTATE")
	for _, e := range es {
		state := "alive"
		if !e.Alive {
			state = "dead: " + e.Why
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%s\n", e.Name, e.ID, e.Addr, e.Slots, e.Running, e.TasksDone, e.TasksFailed, oneLine(state))
	}
	return tw.Flush()
}

func batchText(id int64) string {
	if id < 0 {
		return "-"
	}
	return fmt.Sprint(id)
}

// offsetsText prints offsets as topic-partition:offset pairs.
func offsetsText(o batch.Offsets) string {
	var parts []string
	for _, tp := range o.Partitions() {
		off, _ := o.Get(tp.Topic, tp.Partition)
		parts = append(parts, fmt.Sprintf("%s:%d", tp, off))
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, " ")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
