package cmd

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// clientFlags are the connection flags of the client commands (topic,
// produce, consume, lag); they work against any Kafka cluster.
type clientFlags struct{ brokers string }

func (f *clientFlags) register(c *cobra.Command) {
	def := os.Getenv("SPATE_BROKERS")
	if def == "" {
		def = "127.0.0.1:9092"
	}
	c.Flags().StringVarP(&f.brokers, "brokers", "b", def, "comma-separated bootstrap brokers (env SPATE_BROKERS)")
}

func (f *clientFlags) client(opts ...kgo.Opt) (*kgo.Client, error) {
	opts = append([]kgo.Opt{kgo.SeedBrokers(strings.Split(f.brokers, ",")...), kgo.ClientID("spate")}, opts...)
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", f.brokers, err)
	}
	return cl, nil
}

func (f *clientFlags) admin() (*kadm.Client, func(), error) {
	cl, err := f.client()
	if err != nil {
		return nil, nil, err
	}
	return kadm.NewClient(cl), cl.Close, nil
}

func init() {
	var cf clientFlags
	c := &cobra.Command{Use: "topic", Short: "create, list, describe and delete topics"}
	cf.register(c)
	c.PersistentFlags().AddFlagSet(c.Flags())

	var parts int32
	var rf int16
	var configs []string
	create := &cobra.Command{
		Use: "create TOPIC...", Short: "create topics", Args: cobra.MinimumNArgs(1),
		Example: "  spate topic create clicks -p 6 -c retention.ms=86400000",
		RunE: func(c *cobra.Command, args []string) error {
			cfg, err := parseConfigs(configs)
			if err != nil {
				return err
			}
			adm, done, err := cf.admin()
			if err != nil {
				return err
			}
			defer done()
			resps, err := adm.CreateTopics(c.Context(), parts, rf, cfg, args...)
			if err != nil {
				return err
			}
			var failed []string
			for _, r := range resps.Sorted() {
				if r.Err != nil {
					failed = append(failed, fmt.Sprintf("%s: %v %s", r.Topic, r.Err, r.ErrMessage))
					continue
				}
				fmt.Fprintf(c.OutOrStdout(), "created %s (%d partitions)\n", r.Topic, r.NumPartitions)
			}
			return joinFailures("creating topics", failed)
		},
	}
	create.Flags().Int32VarP(&parts, "partitions", "p", -1, "partition count (-1: the broker default)")
	create.Flags().Int16VarP(&rf, "replicas", "r", -1, "replication factor (-1: the broker default)")
	create.Flags().StringArrayVarP(&configs, "config", "c", nil, "topic config name=value (repeatable)")

	list := &cobra.Command{
		Use: "list", Short: "list topics", Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			adm, done, err := cf.admin()
			if err != nil {
				return err
			}
			defer done()
			tds, err := adm.ListTopics(c.Context())
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(c.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "TOPIC\tPARTITIONS\tREPLICAS")
			for _, t := range tds.Sorted() {
				rf := 0
				if len(t.Partitions) > 0 {
					rf = len(t.Partitions.Sorted()[0].Replicas)
				}
				fmt.Fprintf(tw, "%s\t%d\t%d\n", t.Topic, len(t.Partitions), rf)
			}
			return tw.Flush()
		},
	}

	describe := &cobra.Command{
		Use: "describe TOPIC...", Short: "partitions, offsets and configs of topics", Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error { return describeTopics(c, cf, args) },
	}

	del := &cobra.Command{
		Use: "delete TOPIC...", Short: "delete topics and their data", Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			adm, done, err := cf.admin()
			if err != nil {
				return err
			}
			defer done()
			resps, err := adm.DeleteTopics(c.Context(), args...)
			if err != nil {
				return err
			}
			var failed []string
			for _, r := range resps.Sorted() {
				if r.Err != nil {
					failed = append(failed, fmt.Sprintf("%s: %v %s", r.Topic, r.Err, r.ErrMessage))
					continue
				}
				fmt.Fprintf(c.OutOrStdout(), "deleted %s\n", r.Topic)
			}
			return joinFailures("deleting topics", failed)
		},
	}
	c.AddCommand(create, list, describe, del)
	addCommand(c)
}

func describeTopics(c *cobra.Command, cf clientFlags, topics []string) error {
	adm, done, err := cf.admin()
	if err != nil {
		return err
	}
	defer done()
	ctx := c.Context()
	tds, err := adm.ListTopics(ctx, topics...)
	if err != nil {
		return err
	}
	starts, err := adm.ListStartOffsets(ctx, topics...)
	if err != nil {
		return err
	}
	ends, err := adm.ListEndOffsets(ctx, topics...)
	if err != nil {
		return err
	}
	rcs, err := adm.DescribeTopicConfigs(ctx, topics...)
	if err != nil {
		return err
	}
	out := c.OutOrStdout()
	for _, t := range tds.Sorted() {
		if t.Err != nil {
			fmt.Fprintf(out, "%s: %v\n\n", t.Topic, t.Err)
			continue
		}
		fmt.Fprintf(out, "TOPIC %s  id %s  partitions %d  replication factor %d\n", t.Topic, t.ID, len(t.Partitions), t.Partitions.NumReplicas())
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "PARTITION\tLEADER\tEPOCH\tREPLICAS\tISR\tOFFLINE\tSTART\tEND")
		for _, p := range t.Partitions.Sorted() {
			s, _ := starts.Lookup(t.Topic, p.Partition)
			e, _ := ends.Lookup(t.Topic, p.Partition)
			fmt.Fprintf(tw, "%d\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n", p.Partition, leaderCell(p.Leader), p.LeaderEpoch,
				brokerList(p.Replicas), brokerList(p.ISR), brokerList(p.OfflineReplicas), offsetCell(s), offsetCell(e))
		}
		tw.Flush()
		if rc, err := rcs.On(t.Topic, nil); err == nil {
			var set []string
			for _, cfg := range rc.Configs {
				if cfg.Source == 1 { // DYNAMIC_TOPIC_CONFIG: an override
					set = append(set, cfg.Key+"="+cfg.MaybeValue())
				}
			}
			sort.Strings(set)
			if len(set) > 0 {
				fmt.Fprintf(out, "configs: %s\n", strings.Join(set, ", "))
			}
		}
		fmt.Fprintln(out)
	}
	return nil
}

// leaderCell is a partition's leader, "none" without one.
func leaderCell(id int32) string {
	if id < 0 {
		return "none"
	}
	return fmt.Sprint(id)
}

// brokerList prints broker ids as 1,2,3 ("-" for none).
func brokerList(ids []int32) string {
	if len(ids) == 0 {
		return "-"
	}
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = fmt.Sprint(id)
	}
	return strings.Join(s, ",")
}

// offsetCell is a listed offset, or "?" when its leader could not answer.
func offsetCell(o kadm.ListedOffset) string {
	if o.Err != nil {
		return "?"
	}
	return fmt.Sprint(o.Offset)
}

// parseConfigs turns name=value flags into kadm's config map.
func parseConfigs(kvs []string) (map[string]*string, error) {
	if len(kvs) == 0 {
		return nil, nil
	}
	m := map[string]*string{}
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("config %q is not name=value", kv)
		}
		m[k] = &v
	}
	return m, nil
}

func joinFailures(what string, failed []string) error {
	if len(failed) == 0 {
		return nil
	}
	return fmt.Errorf("%s: %s", what, strings.Join(failed, "; "))
}

// printJSON writes v as indented JSON.
func printJSON(c *cobra.Command, v any) error {
	enc := json.NewEncoder(c.OutOrStdout())
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
