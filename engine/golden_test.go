package engine_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/engine/plan"
	msink "github.com/spate-io/spate/sink/memory"
	msrc "github.com/spate-io/spate/source/memory"
)

var update = flag.Bool("update", false, "rewrite golden files (testdata/jobs/*/job.json and want.jsonl)")

// TestGoldenJobs runs every job under testdata/jobs: job.json is the plan
// (a memory source and a memory sink), input.jsonl the input (for a
// Kafka-shaped source each line is a record value, else each line is a
// row), want.jsonl the output rows, sorted. One micro-batch runs each job
// the way the streaming loop will (plan through JSON, a task per
// partition, the sink committing the batch).
func TestGoldenJobs(t *testing.T) {
	if *update {
		writeGoldenPlans(t)
	}
	dirs, err := filepath.Glob(filepath.Join("testdata", "jobs", "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden jobs: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) { runGolden(t, dir) })
	}
}

func runGolden(t *testing.T, dir string) {
	raw, err := os.ReadFile(filepath.Join(dir, "job.json"))
	if err != nil {
		t.Fatal(err)
	}
	q, err := plan.Unmarshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := plan.Marshal(q); !bytes.Equal(again, raw) {
		t.Fatalf("job.json is not in canonical form; rerun with -update")
	}
	for _, s := range q.Sources {
		loadInput(t, dir, s)
	}
	var o msink.Options
	mustJSON(t, q.Sink.Options, &o)
	sink := msink.NewSink(o.Name)
	mem := checkedAlloc(t)
	if _, err := runOneBatch(t, q, 0, mem); err != nil {
		t.Fatal(err)
	}
	rows, err := sink.JSONRows()
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(rows)
	got := strings.Join(rows, "\n") + "\n"
	wantPath := filepath.Join(dir, "want.jsonl")
	if *update {
		if err := os.WriteFile(wantPath, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(wantPath)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Fatalf("output differs from %s (rerun with -update and read the diff):\n%s", wantPath, got)
	}
}

// loadInput fills the memory source a plan names from input.jsonl (or
// input-<name>.jsonl when the job has several sources).
func loadInput(t *testing.T, dir string, s plan.Source) {
	var o msrc.Options
	mustJSON(t, s.Options, &o)
	path := filepath.Join(dir, "input.jsonl")
	if _, err := os.Stat(filepath.Join(dir, "input-"+o.Name+".jsonl")); err == nil {
		path = filepath.Join(dir, "input-"+o.Name+".jsonl")
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	kafka := s.Schema.Equal(engine.KafkaSchema)
	var src *msrc.Source
	if kafka {
		src = msrc.NewKafkaSource(o.Name, 1)
	} else {
		src = msrc.NewSource(o.Name, s.Schema.Schema, 1)
	}
	t.Cleanup(src.Release)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if kafka {
		values := make([][]byte, len(lines))
		for i, l := range lines {
			if l != "null" {
				values[i] = []byte(l)
			}
		}
		err = src.AddValues(0, values...)
	} else {
		err = src.AddJSON(0, lines...)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// writeGoldenPlans regenerates job.json from the jobs built with the DSL
// in goldenJobs, so the files show what the DSL produces.
func writeGoldenPlans(t *testing.T) {
	for name, build := range goldenJobs() {
		q, err := build()
		if err != nil {
			t.Fatalf("job %s: %v", name, err)
		}
		b, err := plan.Marshal(q)
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join("testdata", "jobs", name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "job.json"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestGoldenPlansMatchTheDSL checks job.json is what the DSL builds today.
func TestGoldenPlansMatchTheDSL(t *testing.T) {
	for name, build := range goldenJobs() {
		q, err := build()
		if err != nil {
			t.Fatalf("job %s: %v", name, err)
		}
		got, _ := plan.Marshal(q)
		want, err := os.ReadFile(filepath.Join("testdata", "jobs", name, "job.json"))
		if err != nil {
			t.Fatalf("%v (run go test -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("job %s: the DSL builds another plan than job.json (rerun with -update and read the diff)", name)
		}
	}
}

func mustJSON(t *testing.T, raw []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatal(err)
	}
}
