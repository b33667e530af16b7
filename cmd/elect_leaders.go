package cmd

import (
	"errors"
	"fmt"
	"sort"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
)

// electTargets is the TopicsSet an elect-leaders run asks for: nil (every
// partition) without topics, a topic's partitions, or one partition.
func electTargets(topics []string, partitions []int32) (kadm.TopicsSet, error) {
	switch {
	case len(topics) == 0 && len(partitions) > 0:
		return nil, fmt.Errorf("--partition needs --topic")
	case len(topics) > 1 && len(partitions) > 0:
		return nil, fmt.Errorf("--partition applies to one --topic, not %d", len(topics))
	case len(topics) == 0:
		return nil, nil
	}
	set := kadm.TopicsSet{}
	for _, t := range topics {
		if len(partitions) > 0 {
			set.Add(t, partitions...)
		} else {
			set.Add(t)
		}
	}
	return set, nil
}

func init() {
	var (
		cf         clientFlags
		preferred  bool
		unclean    bool
		topics     []string
		partitions []int32
	)
	c := &cobra.Command{
		Use:   "elect-leaders",
		Short: "elect partition leaders: move leadership to the preferred replicas, or elect unclean leaders",
		Long: "--preferred moves each partition's leadership to its preferred (first) replica when\n" +
			"that replica is alive and in sync, undoing the imbalance failovers leave behind.\n" +
			"--unclean elects a leader for partitions that have none from outside the ISR,\n" +
			"accepting the loss of what only the dead in-sync replicas had. Without --topic\n" +
			"every partition is considered.",
		Example: "  spate elect-leaders --preferred\n  spate elect-leaders --preferred --topic clicks --partition 3",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if preferred == unclean {
				return fmt.Errorf("give one of --preferred and --unclean")
			}
			how := kadm.ElectPreferredReplica
			if unclean {
				how = kadm.ElectLiveReplica
			}
			set, err := electTargets(topics, partitions)
			if err != nil {
				return err
			}
			adm, done, err := cf.admin()
			if err != nil {
				return err
			}
			defer done()
			if set != nil {
				// kadm would read an empty partition list as "none": name them.
				tds, err := adm.ListTopics(c.Context(), set.Topics()...)
				if err != nil {
					return err
				}
				for t, ps := range set {
					if len(ps) == 0 {
						set.Add(t, tds[t].Partitions.Numbers()...)
					}
				}
			}
			res, err := adm.ElectLeaders(c.Context(), how, set)
			if err != nil {
				return err
			}
			return printElectResults(c, res)
		},
	}
	cf.register(c)
	c.Flags().BoolVar(&preferred, "preferred", false, "elect the preferred replicas")
	c.Flags().BoolVar(&unclean, "unclean", false, "elect leaders for leaderless partitions from outside the ISR (may lose data)")
	c.Flags().StringSliceVar(&topics, "topic", nil, "topic(s) to elect for (default: every topic)")
	c.Flags().Int32SliceVar(&partitions, "partition", nil, "partition(s) of the one --topic (default: all)")
	addCommand(c)
}

// printElectResults prints one line per partition; an election that was
// not needed is not a failure.
func printElectResults(c *cobra.Command, res kadm.ElectLeadersResults) error {
	var all []kadm.ElectLeadersResult
	for _, ps := range res {
		for _, r := range ps {
			all = append(all, r)
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].Topic != all[j].Topic {
			return all[i].Topic < all[j].Topic
		}
		return all[i].Partition < all[j].Partition
	})
	out := c.OutOrStdout()
	var failed []string
	for _, r := range all {
		switch {
		case r.Err == nil:
			fmt.Fprintf(out, "elected a new leader for %s-%d\n", r.Topic, r.Partition)
		case errors.Is(r.Err, kerr.ElectionNotNeeded):
			fmt.Fprintf(out, "%s-%d: the preferred replica already leads\n", r.Topic, r.Partition)
		default:
			failed = append(failed, fmt.Sprintf("%s-%d: %v %s", r.Topic, r.Partition, r.Err, r.ErrMessage))
		}
	}
	if len(all) == 0 {
		fmt.Fprintln(out, "no partition needed a new leader")
	}
	return joinFailures("electing leaders", failed)
}
