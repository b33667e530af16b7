package cmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"
)

// reassignPlan is the reassignment JSON of kafka-reassign-partitions.sh:
//
//	{"version":1,"partitions":[{"topic":"t","partition":3,"replicas":[4,5],"log_dirs":["any","any"]}]}
type reassignPlan struct {
	Version    int                 `json:"version"`
	Partitions []reassignPartition `json:"partitions"`
}

type reassignPartition struct {
	Topic     string   `json:"topic"`
	Partition int32    `json:"partition"`
	Replicas  []int32  `json:"replicas"`
	LogDirs   []string `json:"log_dirs,omitempty"`
}

// parseReassignPlan reads and checks a reassignment file: version 1, at
// least one partition, each named once with a non-empty replica list
// without repeats, and log_dirs (if given) one "any" per replica: brokers
// have one data folder, so there is no log dir to choose.
func parseReassignPlan(r io.Reader) (reassignPlan, error) {
	var plan reassignPlan
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&plan); err != nil {
		return plan, fmt.Errorf("reassignment file is not valid JSON of the kafka-reassign-partitions format: %v", err)
	}
	if plan.Version != 1 {
		return plan, fmt.Errorf("reassignment file has version %d; only version 1 exists", plan.Version)
	}
	if len(plan.Partitions) == 0 {
		return plan, fmt.Errorf("reassignment file lists no partitions")
	}
	seen := map[string]bool{}
	for _, p := range plan.Partitions {
		name := fmt.Sprintf("%s-%d", p.Topic, p.Partition)
		switch {
		case p.Topic == "" || p.Partition < 0:
			return plan, fmt.Errorf("reassignment of %q: every entry needs a topic and a partition of 0 or more", name)
		case seen[name]:
			return plan, fmt.Errorf("partition %s is listed twice", name)
		case len(p.Replicas) == 0:
			return plan, fmt.Errorf("partition %s has an empty replica list", name)
		case hasRepeat(p.Replicas):
			return plan, fmt.Errorf("partition %s lists a broker twice in its replicas %v", name, p.Replicas)
		case p.LogDirs != nil && len(p.LogDirs) != len(p.Replicas):
			return plan, fmt.Errorf("partition %s has %d log_dirs for %d replicas; give one per replica", name, len(p.LogDirs), len(p.Replicas))
		}
		for _, d := range p.LogDirs {
			if d != "any" {
				return plan, fmt.Errorf("partition %s: log dir %q cannot be chosen (spate brokers have one data folder); use \"any\"", name, d)
			}
		}
		seen[name] = true
	}
	return plan, nil
}

func hasRepeat(ids []int32) bool {
	s := slices.Clone(ids)
	slices.Sort(s)
	return len(slices.Compact(s)) != len(ids)
}

// request is the plan as kadm's AlterPartitionAssignments input.
func (plan reassignPlan) request() kadm.AlterPartitionAssignmentsReq {
	req := kadm.AlterPartitionAssignmentsReq{}
	for _, p := range plan.Partitions {
		req.Assign(p.Topic, p.Partition, p.Replicas)
	}
	return req
}

// topics is the set of the plan's topics.
func (plan reassignPlan) topics() []string {
	var ts []string
	for _, p := range plan.Partitions {
		if !slices.Contains(ts, p.Topic) {
			ts = append(ts, p.Topic)
		}
	}
	sort.Strings(ts)
	return ts
}

// currentPlan is the assignment the partitions of plan have now, in the
// same format: what to apply to roll back.
func currentPlan(plan reassignPlan, tds kadm.TopicDetails) reassignPlan {
	cur := reassignPlan{Version: 1}
	for _, p := range plan.Partitions {
		if pd, ok := tds[p.Topic].Partitions[p.Partition]; ok {
			cur.Partitions = append(cur.Partitions, reassignPartition{Topic: p.Topic, Partition: p.Partition, Replicas: pd.Replicas, LogDirs: anyDirs(len(pd.Replicas))})
		}
	}
	return cur
}

func anyDirs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "any"
	}
	return out
}

// reassignStatus says where a partition's reassignment stands.
func reassignStatus(p reassignPartition, inProgress kadm.ListPartitionReassignmentsResponses, tds kadm.TopicDetails) (string, bool) {
	name := fmt.Sprintf("%s-%d", p.Topic, p.Partition)
	if r, ok := inProgress[p.Topic][p.Partition]; ok {
		return fmt.Sprintf("Reassignment of partition %s is still in progress (replicas %v, adding %v, removing %v).", name, r.Replicas, r.AddingReplicas, r.RemovingReplicas), false
	}
	pd, ok := tds[p.Topic].Partitions[p.Partition]
	switch {
	case !ok:
		return fmt.Sprintf("Partition %s does not exist.", name), false
	case !slices.Equal(pd.Replicas, p.Replicas):
		return fmt.Sprintf("Partition %s has replicas %v, not the target %v, and no reassignment is in progress.", name, pd.Replicas, p.Replicas), false
	}
	return fmt.Sprintf("Reassignment of partition %s is completed.", name), true
}

func init() {
	var (
		cf     clientFlags
		file   string
		verify bool
		cancel bool
	)
	c := &cobra.Command{
		Use:   "reassign",
		Short: "move partition replicas between brokers (kafka-reassign-partitions JSON)",
		Long: "Starts the partition reassignments a kafka-reassign-partitions JSON file describes\n" +
			"(AlterPartitionReassignments): the new replicas are added, catch up, and once they\n" +
			"are in sync the partition drops the replicas it moves off. It prints the current\n" +
			"assignment first, in the same format, to roll back with. --verify reports each\n" +
			"partition's progress and fails while any is unfinished; --cancel stops them.",
		Example: "  echo '{\"version\":1,\"partitions\":[{\"topic\":\"clicks\",\"partition\":3,\"replicas\":[4,5],\"log_dirs\":[\"any\",\"any\"]}]}' > plan.json\n" +
			"  spate reassign --file plan.json\n" +
			"  spate reassign --file plan.json --verify",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if file == "" {
				return fmt.Errorf("--file is required: the reassignment JSON")
			}
			data, err := os.ReadFile(file)
			if err != nil {
				return err
			}
			plan, err := parseReassignPlan(bytes.NewReader(data))
			if err != nil {
				return fmt.Errorf("%s: %w", file, err)
			}
			adm, done, err := cf.admin()
			if err != nil {
				return err
			}
			defer done()
			switch {
			case verify:
				return verifyReassign(c, adm, plan)
			case cancel:
				return cancelReassign(c, adm, plan)
			}
			return startReassign(c, adm, plan)
		},
	}
	cf.register(c)
	c.Flags().StringVar(&file, "file", "", "reassignment JSON ({\"version\":1,\"partitions\":[{\"topic\":..,\"partition\":..,\"replicas\":[..],\"log_dirs\":[..]}]})")
	c.Flags().BoolVar(&verify, "verify", false, "report whether the file's reassignments are done (fails while any is not)")
	c.Flags().BoolVar(&cancel, "cancel", false, "cancel the file's reassignments in progress")
	c.MarkFlagsMutuallyExclusive("verify", "cancel")
	addCommand(c)
}

func startReassign(c *cobra.Command, adm *kadm.Client, plan reassignPlan) error {
	ctx, out := c.Context(), c.OutOrStdout()
	tds, err := adm.ListTopics(ctx, plan.topics()...)
	if err != nil {
		return err
	}
	cur, _ := json.Marshal(currentPlan(plan, tds))
	fmt.Fprintf(out, "Current partition replica assignment\n\n%s\n\nSave this to use as the --file of a rollback.\n\n", cur)
	resps, err := adm.AlterPartitionAssignments(ctx, plan.request())
	if err != nil {
		return err
	}
	var failed []string
	for _, r := range sortedAlterResponses(resps) {
		if r.Err != nil {
			failed = append(failed, fmt.Sprintf("%s-%d: %v %s", r.Topic, r.Partition, r.Err, r.ErrMessage))
			continue
		}
		fmt.Fprintf(out, "Started the reassignment of partition %s-%d.\n", r.Topic, r.Partition)
	}
	return joinFailures("reassigning", failed)
}

func sortedAlterResponses(rs kadm.AlterPartitionAssignmentsResponses) []kadm.AlterPartitionAssignmentsResponse {
	var out []kadm.AlterPartitionAssignmentsResponse
	for _, ps := range rs {
		for _, r := range ps {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Topic != out[j].Topic {
			return out[i].Topic < out[j].Topic
		}
		return out[i].Partition < out[j].Partition
	})
	return out
}

func verifyReassign(c *cobra.Command, adm *kadm.Client, plan reassignPlan) error {
	ctx := c.Context()
	inProgress, err := adm.ListPartitionReassignments(ctx, nil)
	if err != nil {
		return err
	}
	tds, err := adm.ListTopics(ctx, plan.topics()...)
	if err != nil {
		return err
	}
	unfinished := 0
	for _, p := range plan.Partitions {
		msg, ok := reassignStatus(p, inProgress, tds)
		fmt.Fprintln(c.OutOrStdout(), msg)
		if !ok {
			unfinished++
		}
	}
	if unfinished > 0 {
		return fmt.Errorf("%d of %d reassignments are not completed", unfinished, len(plan.Partitions))
	}
	return nil
}

func cancelReassign(c *cobra.Command, adm *kadm.Client, plan reassignPlan) error {
	req := kadm.AlterPartitionAssignmentsReq{}
	for _, p := range plan.Partitions {
		req.CancelAssign(p.Topic, p.Partition)
	}
	resps, err := adm.AlterPartitionAssignments(c.Context(), req)
	if err != nil {
		return err
	}
	var failed []string
	for _, r := range sortedAlterResponses(resps) {
		if r.Err != nil {
			failed = append(failed, fmt.Sprintf("%s-%d: %v %s", r.Topic, r.Partition, r.Err, r.ErrMessage))
			continue
		}
		fmt.Fprintf(c.OutOrStdout(), "Cancelled the reassignment of partition %s-%d.\n", r.Topic, r.Partition)
	}
	return joinFailures("cancelling", failed)
}
