package cmd

import "testing"

func TestGroupStatus(t *testing.T) {
	rows := func(commits ...int64) []lagRow {
		var rs []lagRow
		for i, c := range commits {
			rs = append(rs, lagRow{Topic: "t", Partition: int32(i), Committed: c})
		}
		return rs
	}
	for _, tc := range []struct {
		name string
		cur  lagGroup
		prev *lagGroup
		want string
	}{
		{"caught up", lagGroup{State: "Stable", TotalLag: 0, Rows: rows(5)}, nil, statusOK},
		{"behind, first sample", lagGroup{State: "Stable", TotalLag: 9, Rows: rows(5)}, nil, statusOK},
		{"empty and behind", lagGroup{State: "Empty", TotalLag: 9}, nil, statusStopped},
		{"empty caught up", lagGroup{State: "Empty"}, nil, statusOK},
		{"rebalancing", lagGroup{State: "PreparingRebalance", TotalLag: 1}, nil, statusWarn},
		{"no progress", lagGroup{State: "Stable", TotalLag: 9, Rows: rows(5)}, &lagGroup{State: "Stable", TotalLag: 7, Rows: rows(5)}, statusStall},
		{"lag growing", lagGroup{State: "Stable", TotalLag: 9, Rows: rows(6)}, &lagGroup{State: "Stable", TotalLag: 7, Rows: rows(5)}, statusWarn},
		{"catching up", lagGroup{State: "Stable", TotalLag: 5, Rows: rows(9)}, &lagGroup{State: "Stable", TotalLag: 7, Rows: rows(5)}, statusOK},
		{"error", lagGroup{State: "Stable", Error: "boom"}, nil, statusWarn},
	} {
		if got := groupStatus(tc.cur, tc.prev); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}
