package cmd

import (
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
)

func TestParseReassignPlan(t *testing.T) {
	plan, err := parseReassignPlan(strings.NewReader(`{"version":1,"partitions":[{"topic":"t","partition":3,"replicas":[4,5],"log_dirs":["any","any"]},{"topic":"u","partition":0,"replicas":[1]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	req := plan.request()
	if got := req["t"][3]; len(got) != 2 || got[0] != 4 || got[1] != 5 || len(req["u"][0]) != 1 {
		t.Fatalf("request %v", req)
	}
	if ts := plan.topics(); len(ts) != 2 || ts[0] != "t" || ts[1] != "u" {
		t.Fatalf("topics %v", ts)
	}
	for _, tc := range []struct{ json, want string }{
		{`{"version":2,"partitions":[{"topic":"t","partition":0,"replicas":[1]}]}`, "version 2"},
		{`{"version":1,"partitions":[]}`, "no partitions"},
		{`{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[]}]}`, "empty replica list"},
		{`{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1,1]}]}`, "twice in its replicas"},
		{`{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1]},{"topic":"t","partition":0,"replicas":[2]}]}`, "listed twice"},
		{`{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1,2],"log_dirs":["any"]}]}`, "1 log_dirs for 2 replicas"},
		{`{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1],"log_dirs":["/data"]}]}`, `log dir "/data"`},
		{`{"version":1,"partitions":[{"partition":0,"replicas":[1]}]}`, "needs a topic"},
		{`{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1],"replica":[2]}]}`, "not valid JSON"},
		{`not json`, "not valid JSON"},
	} {
		if _, err := parseReassignPlan(strings.NewReader(tc.json)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error with %q", tc.json, err, tc.want)
		}
	}
}

func TestReassignStatus(t *testing.T) {
	p := reassignPartition{Topic: "t", Partition: 0, Replicas: []int32{2, 3}}
	tds := kadm.TopicDetails{"t": {Topic: "t", Partitions: kadm.PartitionDetails{0: {Topic: "t", Partition: 0, Replicas: []int32{2, 3}}}}}
	if msg, ok := reassignStatus(p, nil, tds); !ok || !strings.Contains(msg, "completed") {
		t.Fatalf("done: %q %v", msg, ok)
	}
	inProgress := kadm.ListPartitionReassignmentsResponses{"t": {0: {Topic: "t", Replicas: []int32{2, 3, 1}, AddingReplicas: []int32{3}, RemovingReplicas: []int32{1}}}}
	if msg, ok := reassignStatus(p, inProgress, tds); ok || !strings.Contains(msg, "still in progress") {
		t.Fatalf("in progress: %q %v", msg, ok)
	}
	p.Replicas = []int32{1, 2}
	if msg, ok := reassignStatus(p, nil, tds); ok || !strings.Contains(msg, "not the target") {
		t.Fatalf("other replicas: %q %v", msg, ok)
	}
	cur := currentPlan(reassignPlan{Version: 1, Partitions: []reassignPartition{p}}, tds)
	if len(cur.Partitions) != 1 || len(cur.Partitions[0].LogDirs) != 2 || cur.Partitions[0].Replicas[0] != 2 {
		t.Fatalf("rollback plan %+v", cur)
	}
}

func TestElectTargets(t *testing.T) {
	if s, err := electTargets(nil, nil); s != nil || err != nil {
		t.Fatalf("all partitions: %v %v", s, err)
	}
	if _, err := electTargets(nil, []int32{1}); err == nil {
		t.Fatal("--partition without --topic accepted")
	}
	if _, err := electTargets([]string{"a", "b"}, []int32{1}); err == nil {
		t.Fatal("--partition with two topics accepted")
	}
	s, err := electTargets([]string{"a"}, []int32{1, 2})
	if err != nil || len(s["a"]) != 2 {
		t.Fatalf("one topic: %v %v", s, err)
	}
}
