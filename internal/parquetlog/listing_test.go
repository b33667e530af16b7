package parquetlog

import (
	"fmt"
	"strings"
	"testing"
)

func seq(from, to int64) []int64 {
	var out []int64
	for n := from; n <= to; n++ {
		out = append(out, n)
	}
	return out
}

func TestNewListing(t *testing.T) {
	ls := NewListing([]string{"2.json", "0.json", "9.compact", "1.json", ".3.json.tmp-123", "4.compact", "notes.txt", "007.json"})
	if got := fmt.Sprint(ls.Deltas, ls.Compacts, ls.Temps); got != "[0 1 2] [4 9] [.3.json.tmp-123]" {
		t.Errorf("NewListing = %s", got)
	}
	if ls.Latest() != 9 || ls.LastCompact() != 9 || !ls.HasDelta(1) || ls.HasDelta(3) {
		t.Errorf("latest %d, last compaction %d, has 1 %v, has 3 %v", ls.Latest(), ls.LastCompact(), ls.HasDelta(1), ls.HasDelta(3))
	}
	if empty := NewListing(nil); empty.Latest() != -1 || empty.LastCompact() != -1 {
		t.Errorf("an empty log: latest %d, last compaction %d, want -1 -1", empty.Latest(), empty.LastCompact())
	}
}

func TestReadPlan(t *testing.T) {
	for _, tc := range []struct {
		name    string
		ls      Listing
		compact int64
		deltas  []int64
		err     string
	}{
		{"empty", Listing{}, -1, nil, ""},
		{"deltas only", Listing{Deltas: seq(0, 4)}, -1, seq(0, 4), ""},
		{"log starting late", Listing{Deltas: seq(7, 9)}, -1, seq(7, 9), ""},
		{"compact and deltas", Listing{Deltas: seq(19, 34), Compacts: []int64{19, 29}}, 29, seq(30, 34), ""},
		{"compact is latest", Listing{Deltas: seq(19, 29), Compacts: []int64{19, 29}}, 29, nil, ""},
		{"gap", Listing{Deltas: []int64{0, 1, 3}}, 0, nil, "no manifest of batch 2"},
		{"gap after compact", Listing{Deltas: []int64{9, 11}, Compacts: []int64{9}}, 0, nil, "no manifest of batch 10"},
	} {
		compact, deltas, err := tc.ls.ReadPlan()
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: err %v, want %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil || compact != tc.compact || fmt.Sprint(deltas) != fmt.Sprint(tc.deltas) {
			t.Errorf("%s: %d %v %v, want %d %v", tc.name, compact, deltas, err, tc.compact, tc.deltas)
		}
	}
}

// TestReadPlanFromNames plans from the names of a folder's entries, in
// any order, and names the manifests to read.
func TestReadPlanFromNames(t *testing.T) {
	for _, tc := range []struct {
		deltas, compacts []int64
		want, err        string
	}{
		{want: ""},
		{deltas: []int64{0, 1, 2}, want: "0.json 1.json 2.json"},
		{deltas: []int64{2, 0, 1}, want: "0.json 1.json 2.json"},
		{deltas: []int64{8, 9, 10, 11}, compacts: []int64{9}, want: "9.compact 10.json 11.json"},
		{deltas: []int64{9}, compacts: []int64{4, 9}, want: "9.compact"},
		{compacts: []int64{19}, want: "19.compact"},
		{deltas: []int64{5, 6}, want: "5.json 6.json"}, // older manifests deleted after a compaction
		{deltas: []int64{0, 2}, err: "no manifest of batch 1"},
		{deltas: []int64{10, 12}, compacts: []int64{9}, err: "no manifest of batch 11"},
	} {
		var names []string
		for _, n := range tc.deltas {
			names = append(names, FileName(n, false))
		}
		for _, n := range tc.compacts {
			names = append(names, FileName(n, true))
		}
		compact, deltas, err := NewListing(names).ReadPlan()
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("plan(%v, %v) error %v, want %q", tc.deltas, tc.compacts, err, tc.err)
			}
			continue
		}
		var plan []string
		if compact >= 0 {
			plan = append(plan, FileName(compact, true))
		}
		for _, n := range deltas {
			plan = append(plan, FileName(n, false))
		}
		if got := strings.Join(plan, " "); err != nil || got != tc.want {
			t.Errorf("plan(%v, %v) = %q, %v; want %q", tc.deltas, tc.compacts, got, err, tc.want)
		}
	}
}
