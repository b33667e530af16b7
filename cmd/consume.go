package cmd

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kgo"
)

func init() {
	var (
		cf     clientFlags
		n      int
		group  string
		from   string
		format string
	)
	c := &cobra.Command{
		Use:   "consume TOPIC...",
		Short: "print records to stdout, one value per line",
		Long: "Consumes the topics from the start (or --from latest) and prints each record's\n" +
			"value on its own line. With --group the consumer joins that consumer group and\n" +
			"commits its offsets, so a second run continues where the first stopped.",
		Example: "  spate consume demo -n 10\n  spate consume clicks --group dashboard -f '%t/%p@%o %k %v'",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts := []kgo.Opt{kgo.ConsumeTopics(args...)}
			switch from {
			case "earliest", "start":
				opts = append(opts, kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
			case "latest", "end":
				opts = append(opts, kgo.ConsumeResetOffset(kgo.NewOffset().AtEnd()))
			default:
				return fmt.Errorf("--from %q is not earliest or latest", from)
			}
			if group != "" {
				opts = append(opts, kgo.ConsumerGroup(group))
			}
			cl, err := cf.client(opts...)
			if err != nil {
				return err
			}
			defer cl.Close()
			err = consumeTo(c.Context(), cl, c.OutOrStdout(), n, format)
			if group != "" {
				// Commit what was printed before leaving the group.
				cerr := cl.CommitUncommittedOffsets(context.WithoutCancel(c.Context()))
				err = errors.Join(err, cerr)
			}
			if errors.Is(err, context.Canceled) {
				return nil
			}
			return err
		},
	}
	cf.register(c)
	c.Flags().IntVarP(&n, "num", "n", 0, "stop after this many records (0: run until interrupted)")
	c.Flags().StringVarP(&group, "group", "g", "", "consume as a member of this consumer group")
	c.Flags().StringVar(&from, "from", "earliest", "where to start without a committed offset: earliest or latest")
	c.Flags().StringVarP(&format, "format", "f", "%v", "line format: %t topic, %p partition, %o offset, %k key, %v value")
	addCommand(c)
}

// consumeTo prints records to w until n records (n > 0) or ctx ends.
func consumeTo(ctx context.Context, cl *kgo.Client, w io.Writer, n int, format string) error {
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	seen := 0
	for n <= 0 || seen < n {
		fs := cl.PollRecords(ctx, max(n-seen, 0))
		if err := ctx.Err(); err != nil {
			return err
		}
		var errs []error
		fs.EachError(func(t string, p int32, err error) {
			errs = append(errs, fmt.Errorf("consuming %s-%d: %w", t, p, err))
		})
		if len(errs) > 0 {
			return errors.Join(errs...)
		}
		fs.EachRecord(func(r *kgo.Record) {
			if n > 0 && seen >= n {
				return
			}
			bw.WriteString(formatRecord(format, r))
			bw.WriteByte('\n')
			seen++
		})
		bw.Flush()
	}
	return nil
}

// formatRecord expands %t %p %o %k %v (and %% ) in format for r.
func formatRecord(format string, r *kgo.Record) string {
	if format == "%v" {
		return string(r.Value)
	}
	var sb strings.Builder
	for i := 0; i < len(format); i++ {
		if format[i] != '%' || i+1 == len(format) {
			sb.WriteByte(format[i])
			continue
		}
		i++
		switch format[i] {
		case 't':
			sb.WriteString(r.Topic)
		case 'p':
			fmt.Fprint(&sb, r.Partition)
		case 'o':
			fmt.Fprint(&sb, r.Offset)
		case 'k':
			sb.Write(r.Key)
		case 'v':
			sb.Write(r.Value)
		case '%':
			sb.WriteByte('%')
		default:
			sb.WriteByte('%')
			sb.WriteByte(format[i])
		}
	}
	return sb.String()
}
