package cmd

import (
	"context"
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"
)

// lagRow is one group partition in `spate lag`.
type lagRow struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	Committed int64  `json:"committed"` // -1: nothing committed
	End       int64  `json:"logEndOffset"`
	Lag       int64  `json:"lag"` // -1 when unknown
	MemberID  string `json:"memberId,omitempty"`
	Host      string `json:"host,omitempty"`
	ClientID  string `json:"clientId,omitempty"`
	Error     string `json:"error,omitempty"`
}

// lagGroup is one group in `spate lag`.
type lagGroup struct {
	Group    string   `json:"group"`
	State    string   `json:"state"`
	Status   string   `json:"status"`
	Members  int      `json:"members"`
	TotalLag int64    `json:"totalLag"`
	Rows     []lagRow `json:"partitions"`
	Error    string   `json:"error,omitempty"`
}

// Group statuses, after Burrow's: OK consuming (or caught up); WARN lag
// grew since the last sample or the group is rebalancing; STALL members
// but no commit progress while behind; STOPPED no members while behind.
const (
	statusOK      = "OK"
	statusWarn    = "WARN"
	statusStall   = "STALL"
	statusStopped = "STOPPED"
)

// groupStatus judges a group from its state and total lag, and from the
// previous sample when watching (prev nil on the first).
func groupStatus(cur lagGroup, prev *lagGroup) string {
	switch {
	case cur.Error != "":
		return statusWarn
	case cur.State == "Empty" || cur.State == "Dead":
		if cur.TotalLag > 0 {
			return statusStopped
		}
		return statusOK
	case cur.State != "Stable":
		return statusWarn
	case cur.TotalLag <= 0 || prev == nil:
		return statusOK
	case sameCommits(cur, *prev):
		return statusStall
	case cur.TotalLag > prev.TotalLag:
		return statusWarn
	}
	return statusOK
}

func sameCommits(a, b lagGroup) bool {
	if len(a.Rows) != len(b.Rows) {
		return false
	}
	for i := range a.Rows {
		if a.Rows[i].Topic != b.Rows[i].Topic || a.Rows[i].Partition != b.Rows[i].Partition || a.Rows[i].Committed != b.Rows[i].Committed {
			return false
		}
	}
	return true
}

// lagGroups converts kadm's lag into rows sorted by group, topic, partition.
func lagGroups(lags kadm.DescribedGroupLags) []lagGroup {
	var out []lagGroup
	for _, l := range lags.Sorted() {
		g := lagGroup{Group: l.Group, State: l.State, Members: len(l.Members)}
		if err := l.Error(); err != nil {
			g.Error = err.Error()
		}
		for _, m := range l.Lag.Sorted() {
			r := lagRow{Topic: m.Topic, Partition: m.Partition, Committed: m.Commit.At, End: m.End.Offset, Lag: m.Lag}
			if m.Member != nil {
				r.MemberID, r.Host, r.ClientID = m.Member.MemberID, m.Member.ClientHost, m.Member.ClientID
			}
			if m.Err != nil {
				r.Error = m.Err.Error()
			}
			if r.Lag > 0 {
				g.TotalLag += r.Lag
			}
			g.Rows = append(g.Rows, r)
		}
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Group < out[j].Group })
	return out
}

func printLagTable(w io.Writer, groups []lagGroup) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	var total int64
	for i, g := range groups {
		if i > 0 {
			fmt.Fprintln(tw)
		}
		fmt.Fprintf(tw, "GROUP %s\tSTATE %s\tSTATUS %s\tMEMBERS %d\tLAG %d\t\t\t\n", g.Group, g.State, g.Status, g.Members, g.TotalLag)
		if g.Error != "" {
			fmt.Fprintf(tw, "  error: %s\t\t\t\t\t\t\t\n", g.Error)
		}
		fmt.Fprintln(tw, "TOPIC\tPARTITION\tCOMMITTED\tLOG-END\tLAG\tMEMBER\tHOST\tCLIENT-ID")
		for _, r := range g.Rows {
			fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t%s\t%s\t%s\t%s\n", r.Topic, r.Partition, offsetText(r.Committed), r.End, offsetText(r.Lag), dash(r.MemberID), dash(r.Host), dash(r.ClientID))
		}
		total += g.TotalLag
	}
	if len(groups) > 1 {
		fmt.Fprintf(tw, "\nTOTAL\t%d groups\t\t\t%d\t\t\t\n", len(groups), total)
	}
	return tw.Flush()
}

func offsetText(n int64) string {
	if n < 0 {
		return "-"
	}
	return fmt.Sprint(n)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func init() {
	var (
		cf     clientFlags
		groups []string
		output string
		watch  time.Duration
	)
	c := &cobra.Command{
		Use:   "lag",
		Short: "consumer group lag per partition, with member, host and client id",
		Long: "For each consumer group (all, or --group), per topic partition: the committed\n" +
			"offset, the log end offset, the lag, and the member that owns the partition,\n" +
			"with totals and a status (OK, WARN, STALL, STOPPED). Works against any Kafka\n" +
			"cluster. --watch repeats every interval and judges progress between samples.",
		Example: "  spate lag\n  spate lag --group dashboard -o json\n  spate lag --watch 5s",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if output != "table" && output != "json" {
				return fmt.Errorf("-o %q is not table or json", output)
			}
			adm, done, err := cf.admin()
			if err != nil {
				return err
			}
			defer done()
			var prev map[string]lagGroup
			for {
				cur, err := sampleLag(c.Context(), adm, groups, prev)
				if err != nil {
					return err
				}
				if output == "json" {
					err = printJSON(c, cur)
				} else {
					err = printLagTable(c.OutOrStdout(), cur)
				}
				if err != nil || watch <= 0 {
					return err
				}
				prev = map[string]lagGroup{}
				for _, g := range cur {
					prev[g.Group] = g
				}
				select {
				case <-c.Context().Done():
					return nil
				case <-time.After(watch):
				}
				fmt.Fprintln(c.OutOrStdout())
			}
		},
	}
	cf.register(c)
	c.Flags().StringArrayVarP(&groups, "group", "g", nil, "only these groups (repeatable; default all)")
	c.Flags().StringVarP(&output, "output", "o", "table", "table or json")
	c.Flags().DurationVarP(&watch, "watch", "w", 0, "repeat every interval (0: once)")
	addCommand(c)
}

func sampleLag(ctx context.Context, adm *kadm.Client, groups []string, prev map[string]lagGroup) ([]lagGroup, error) {
	lags, err := adm.Lag(ctx, groups...)
	if err != nil {
		return nil, fmt.Errorf("describing group lag: %w", err)
	}
	cur := lagGroups(lags)
	for i := range cur {
		var p *lagGroup
		if pg, ok := prev[cur[i].Group]; ok {
			p = &pg
		}
		cur[i].Status = groupStatus(cur[i], p)
	}
	return cur, nil
}
