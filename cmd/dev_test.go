package cmd

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spate-io/spate/internal/testcluster"
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
	cmd := exec.Command(testcluster.Binary(t), "dev", "--data", data, "--duration", "4s", "--rate", "500",
		"--listen", testcluster.FreeAddr(t), "--driver-listen", testcluster.FreeAddr(t))
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
