package cmd

import (
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/spate-io/spate/internal/testcluster"
	"github.com/spate-io/spate/internal/testutil"
)

func TestPrefixWriterWritesWholePrefixedLines(t *testing.T) {
	var out strings.Builder
	pw := &prefixWriter{prefix: "[x] ", out: &out}
	pw.Write([]byte("one\ntw"))
	pw.Write([]byte("o\nthr"))
	if got := out.String(); got != "[x] one\n[x] two\n" {
		t.Fatalf("before flush: %q", got)
	}
	pw.flush()
	if got := out.String(); got != "[x] one\n[x] two\n[x] thr\n" {
		t.Fatalf("after flush: %q", got)
	}
}

// TestDevRunsTheClusterAndTheDemo runs `spate dev` for a few seconds: a
// broker, a driver and two executors as children with prefixed logs, the
// demo query catching up, and a clean stop.
func TestDevRunsTheClusterAndTheDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	data := t.TempDir()
	cmd := exec.Command(testcluster.Binary(t), "dev", "--data", data, "--duration", "4s", "--rate", "500", "--brokers", "1",
		"--listen", testutil.FreeAddr(t), "--driver-listen", testutil.FreeAddr(t))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("spate dev: %v\n%s", err, out)
	}
	for _, want := range []string{"[broker] ", "[driver] ", "[executor-1] ", "[executor-2] ", "[demo] batch ",
		"GROUP spate-clickstream", "LAG 0", "[demo] Parquet output: " + filepath.Join(data, "out", "clicks")} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the output of spate dev lacks %q:\n%s", want, out)
		}
	}
}

func TestPlanDevBrokers(t *testing.T) {
	gossip := 0
	free := func(host string) (string, error) {
		gossip++
		return host + ":" + strconv.Itoa(7000+gossip), nil
	}
	bf := brokerFlags{id: 1, listen: "127.0.0.1:9092", partitions: 4}
	one, err := planDevBrokers(bf, 1, "/d", free)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(one.args[0], " "); got != "broker --id 1 --listen 127.0.0.1:9092 --partitions 4 --data /d/broker" || one.replicas != 1 {
		t.Errorf("one broker: %q, replicas %d", got, one.replicas)
	}
	three, err := planDevBrokers(bf, 3, "/d", free)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"broker --id 1 --listen 127.0.0.1:9092 --partitions 4 --gossip 127.0.0.1:7001 --replication-factor 3 --offsets-replication-factor 3 --min-insync-replicas 2 --data /d/broker-1",
		"broker --id 2 --listen 127.0.0.1:9093 --partitions 4 --gossip 127.0.0.1:7002 --replication-factor 3 --offsets-replication-factor 3 --min-insync-replicas 2 --join 127.0.0.1:7001 --data /d/broker-2",
		"broker --id 3 --listen 127.0.0.1:9094 --partitions 4 --gossip 127.0.0.1:7003 --replication-factor 3 --offsets-replication-factor 3 --min-insync-replicas 2 --join 127.0.0.1:7001 --data /d/broker-3",
	}
	for i, w := range want {
		if got := strings.Join(three.args[i], " "); got != w {
			t.Errorf("broker %d:\n got %s\nwant %s", i+1, got, w)
		}
	}
	if three.bootstrap() != "127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094" || three.names[2] != "broker-3" {
		t.Errorf("bootstrap %s, names %v", three.bootstrap(), three.names)
	}
	for _, bad := range []struct {
		listen string
		n      int
	}{{"127.0.0.1:9092", 0}, {"9092", 1}, {"127.0.0.1:0", 2}} {
		if _, err := planDevBrokers(brokerFlags{listen: bad.listen}, bad.n, "/d", free); err == nil {
			t.Errorf("--listen %s --brokers %d: no error", bad.listen, bad.n)
		}
	}
}

func TestDevStartsThreeBrokersByDefault(t *testing.T) {
	c, _, err := root.Find([]string{"dev"})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Flags().Lookup("brokers").DefValue; got != "3" {
		t.Fatalf("spate dev --brokers defaults to %s, want 3 (a replicated cluster, RF 3)", got)
	}
}
