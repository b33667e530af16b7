package driver

import (
	"fmt"
	"testing"
)

func TestPlace(t *testing.T) {
	three := []candidate{{ID: "a1", Name: "a", Free: 1}, {ID: "b1", Name: "b", Free: 1}, {ID: "c1", Name: "c", Free: 1}}
	first, _ := place("clicks-0", three)
	tests := []struct {
		name  string
		key   string
		cands []candidate
		want  string
		ok    bool
	}{
		{"no executors", "clicks-0", nil, "", false},
		{"the only one", "clicks-0", []candidate{{ID: "a1", Name: "a", Free: 2}}, "a1", true},
		{"the only one is full", "clicks-0", []candidate{{ID: "a1", Name: "a", Free: 0}}, "", false},
		{"stable for a key", "clicks-0", three, first, true},
		{"excluded one is skipped", "clicks-0", exclude(three, first), other(three, first, "clicks-0"), true},
		{"excluded one is used when it is the only one", "clicks-0", []candidate{{ID: "a1", Name: "a", Free: 1, Excluded: true}}, "a1", true},
		{"excluded and full ones leave nothing", "clicks-0",
			[]candidate{{ID: "a1", Name: "a", Free: 0}, {ID: "b1", Name: "b", Free: 1, Excluded: true}}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := place(tt.key, tt.cands)
			if got != tt.want || ok != tt.ok {
				t.Errorf("place(%q) = %q, %v; want %q, %v", tt.key, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// exclude marks id excluded in a copy of cands.
func exclude(cands []candidate, id string) []candidate {
	out := append([]candidate(nil), cands...)
	for i := range out {
		out[i].Excluded = out[i].ID == id
	}
	return out
}

// other is where key goes among cands without id.
func other(cands []candidate, id, key string) string {
	var rest []candidate
	for _, c := range cands {
		if c.ID != id {
			rest = append(rest, c)
		}
	}
	got, _ := place(key, rest)
	return got
}

// TestPlaceMovesOnlyTheLostExecutorsPartitions checks rendezvous hashing's
// promise: when an executor leaves, partitions placed elsewhere stay.
func TestPlaceMovesOnlyTheLostExecutorsPartitions(t *testing.T) {
	all := []candidate{{ID: "1", Name: "executor-1", Free: 100}, {ID: "2", Name: "executor-2", Free: 100}, {ID: "3", Name: "executor-3", Free: 100}}
	before := map[string]string{}
	perExec := map[string]int{}
	for p := range 300 {
		key := fmt.Sprintf("clicks-%d", p)
		before[key], _ = place(key, all)
		perExec[before[key]]++
	}
	for id, n := range perExec {
		if n < 60 {
			t.Errorf("executor %s got %d of 300 partitions; rendezvous hashing should spread them", id, n)
		}
	}
	survivors := all[:2]
	for key, was := range before {
		now, _ := place(key, survivors)
		if was != "3" && now != was {
			t.Errorf("%s moved from %s to %s although %s is still alive", key, was, now, was)
		}
	}
}

func TestPlaceFallsBackWhenThePreferredExecutorIsFull(t *testing.T) {
	cands := []candidate{{ID: "1", Name: "executor-1", Free: 1}, {ID: "2", Name: "executor-2", Free: 1}}
	pref, _ := place("t-0", cands)
	for i := range cands {
		if cands[i].ID == pref {
			cands[i].Free = 0
		}
	}
	got, ok := place("t-0", cands)
	if !ok || got == pref {
		t.Fatalf("place = %q, %v; want the other executor than the full %s", got, ok, pref)
	}
}
