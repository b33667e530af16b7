package cmd

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kgo"
)

func init() {
	var (
		cf     clientFlags
		keySep string
		acks   string
	)
	c := &cobra.Command{
		Use:   "produce TOPIC",
		Short: "produce stdin lines as records (idempotent, acks=all by default)",
		Long: "Reads stdin line by line; each line becomes one record's value. With --key-sep\n" +
			"the text before the first separator is the record key.",
		Example: "  seq 1 100 | spate produce demo\n  printf 'user1\\tclicked\\n' | spate produce clicks --key-sep '\\t'",
		Args:    cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts := []kgo.Opt{kgo.DefaultProduceTopic(args[0]), kgo.AllowAutoTopicCreation()}
			switch acks {
			case "all", "-1":
			case "1", "leader":
				opts = append(opts, kgo.RequiredAcks(kgo.LeaderAck()), kgo.DisableIdempotentWrite())
			case "0", "none":
				opts = append(opts, kgo.RequiredAcks(kgo.NoAck()), kgo.DisableIdempotentWrite())
			default:
				return fmt.Errorf("--acks %q is not all, 1 or 0", acks)
			}
			cl, err := cf.client(opts...)
			if err != nil {
				return err
			}
			defer cl.Close()
			sep := strings.NewReplacer(`\t`, "\t").Replace(keySep)
			n, err := produceLines(c.Context(), cl, bufio.NewScanner(c.InOrStdin()), sep)
			fmt.Fprintf(c.ErrOrStderr(), "produced %d records to %s\n", n, args[0])
			return err
		},
	}
	cf.register(c)
	c.Flags().StringVar(&keySep, "key-sep", "", "split each line into key and value at the first occurrence of this")
	c.Flags().StringVar(&acks, "acks", "all", "all (idempotent), 1 or 0")
	addCommand(c)
}

// produceLines produces every line of sc and waits for every ack; it
// returns how many records were acknowledged and the first error.
func produceLines(ctx context.Context, cl *kgo.Client, sc *bufio.Scanner, keySep string) (int64, error) {
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	var (
		acked    atomic.Int64
		firstErr error
		mu       sync.Mutex
	)
	done := func(_ *kgo.Record, err error) {
		if err != nil {
			mu.Lock()
			if firstErr == nil {
				firstErr = err
			}
			mu.Unlock()
			return
		}
		acked.Add(1)
	}
	for sc.Scan() {
		line := sc.Text()
		r := &kgo.Record{Value: []byte(line)}
		if keySep != "" {
			if k, v, ok := strings.Cut(line, keySep); ok {
				r.Key, r.Value = []byte(k), []byte(v)
			}
		}
		cl.Produce(ctx, r, done)
	}
	if err := cl.Flush(ctx); err != nil {
		return acked.Load(), err
	}
	if err := sc.Err(); err != nil {
		return acked.Load(), fmt.Errorf("reading stdin: %w", err)
	}
	return acked.Load(), firstErr
}
