package e2e

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	pq "github.com/parquet-go/parquet-go"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/spate-io/spate/broker/brokertest"
	"github.com/spate-io/spate/internal/clickgen"
)

// clickRow is the part of the clickstream output the test reads.
type clickRow struct {
	UserID int64  `parquet:"user_id"`
	Action string `parquet:"action"`
	Offset int64  `parquet:"offset"`
}

// TestClickstreamExampleDropsMalformedAndPartitionsByDate runs
// examples/clickstream as a process over generated events, one in ten
// malformed, and reads the output back by glob with parquet-go.
func TestClickstreamExampleDropsMalformedAndPartitionsByDate(t *testing.T) {
	bin := jobBinary(t, "clickstream")
	addr := brokertest.Start(t)
	day := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	p, err := clickgen.New(clickgen.Config{Brokers: []string{addr}, Topic: "clicks", Count: 2000, Malformed: 0.1,
		Now: func() time.Time { return day }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := p.Run(ctx); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	run := startJob(t, bin, nil, "run", "--brokers", addr, "--topic", "clicks", "--out", out, "--trigger", "available-now")
	if err := run.wait(t, 60*time.Second); err != nil {
		t.Fatalf("clickstream: %v\nstderr:\n%s", err, run.stderr.String())
	}
	files, err := filepath.Glob(filepath.Join(out, "date=*", "*.parquet"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Parquet files under %s/date=*/ (err %v)", out, err)
	}
	var rows []clickRow
	for _, f := range files {
		if !strings.Contains(f, "date=2026-11-25") {
			t.Errorf("file %s is not in the events' date folder", f)
		}
		got, err := pq.ReadFile[clickRow](f)
		if err != nil {
			t.Fatalf("reading %s: %v", f, err)
		}
		rows = append(rows, got...)
	}
	if len(rows) != 1800 {
		t.Fatalf("%d rows, want the 1800 well-formed events (200 of 2000 are malformed)", len(rows))
	}
	offsets := map[int64]bool{}
	for _, r := range rows {
		if offsets[r.Offset] {
			t.Fatalf("offset %d written twice", r.Offset)
		}
		offsets[r.Offset] = true
		if r.Offset%10 == 9 {
			t.Fatalf("offset %d is a malformed event and should have been dropped", r.Offset)
		}
	}
	if !strings.Contains(run.stdout.String(), "batch 0:") {
		t.Errorf("run printed no progress line; stdout:\n%s", run.stdout.String())
	}
}

type wordRow struct {
	Word string `parquet:"word"`
}

// TestWordcountExampleExplodesWords runs examples/wordcount as a process.
func TestWordcountExampleExplodesWords(t *testing.T) {
	bin := jobBinary(t, "wordcount")
	addr := brokertest.Start(t)
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.DefaultProduceTopic("lines"), kgo.AllowAutoTopicCreation())
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, line := range []string{"The quick brown fox", "jumps over the lazy dog.", "", "Fox, FOX!"} {
		if err := cl.ProduceSync(ctx, &kgo.Record{Value: []byte(line)}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "out")
	run := startJob(t, bin, nil, "run", "--brokers", addr, "--topic", "lines", "--out", out, "--trigger", "available-now")
	if err := run.wait(t, 60*time.Second); err != nil {
		t.Fatalf("wordcount: %v\nstderr:\n%s", err, run.stderr.String())
	}
	counts := map[string]int{}
	err = filepath.WalkDir(out, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".parquet") || strings.Contains(path, "/_") {
			return err
		}
		rows, err := pq.ReadFile[wordRow](path)
		for _, r := range rows {
			counts[r.Word]++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for w, n := range counts {
		got = append(got, w+"="+itoa(n))
	}
	sort.Strings(got)
	want := "brown=1 dog=1 fox=3 jumps=1 lazy=1 over=1 quick=1 the=2"
	if strings.Join(got, " ") != want {
		t.Fatalf("word counts %v, want %s", got, want)
	}
}

func itoa(n int) string { return sprintf("%d", n) }
