package e2e

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/spate-io/spate/broker/brokertest"
	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/internal/testcluster"
)

// TestETLExactlyOnceAfterSIGKILLAtEveryStep kills the etl job process with
// SIGKILL at each step of batch 1's protocol, restarts it, and checks the
// Parquet output by plain glob: every acknowledged record exactly once.
func TestETLExactlyOnceAfterSIGKILLAtEveryStep(t *testing.T) {
	bin := jobBinary(t, "etl")
	addr := brokertest.Start(t)
	const topic = "events"
	want := produceNumbered(t, addr, topic, 3, 3000)
	for _, point := range engine.FaultPoints {
		t.Run(string(point), func(t *testing.T) {
			dir := t.TempDir()
			name := "etl-" + string(point)
			args := []string{"run", "--brokers", addr, "--topic", topic, "--name", name,
				"--out", filepath.Join(dir, "out"), "--checkpoint", filepath.Join(dir, "ckpt"),
				"--trigger", "available-now", "--max-offsets-per-trigger", "1000"}
			crash := startJob(t, bin, []string{fmt.Sprintf("%s=%s:1", engine.FaultEnv, point)}, args...)
			if err := crash.wait(t, 60*time.Second); !killedBySIGKILL(err) {
				t.Fatalf("job with %s=%s:1 ended with %v, want death by SIGKILL\nstderr:\n%s", engine.FaultEnv, point, err, crash.stderr.String())
			}
			again := startJob(t, bin, nil, args...)
			if err := again.wait(t, 60*time.Second); err != nil {
				t.Fatalf("restarted job: %v\nstderr:\n%s", err, again.stderr.String())
			}
			testcluster.CheckExactlyOnce(t, want, testcluster.ReadParquet(t, filepath.Join(dir, "out")))
			checkGroupCommitted(t, addr, "spate-"+name, want)
		})
	}
}
