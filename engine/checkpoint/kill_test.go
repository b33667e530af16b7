package checkpoint

import (
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/spate-io/spate/engine/batch"
	"github.com/spate-io/spate/internal/testutil"
)

const childEnv = "SPATE_CHECKPOINT_KILL_CHILD"

// TestKilledWriterRecovers runs the loop in a child process and kills it
// (SIGKILL, no chance to clean up) at arbitrary points of its writes,
// three times, restarting it each time; every restart must find a
// consistent checkpoint and go on from where the last batch ended.
func TestKilledWriterRecovers(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dir := t.TempDir()
	for _, target := range []int64{5, 12, 20} {
		child := exec.Command(os.Args[0], "-test.run=^TestKillWriterChild$")
		child.Env = append(os.Environ(), childEnv+"="+dir)
		if err := child.Start(); err != nil {
			t.Fatal(err)
		}
		testutil.WaitFor(t, 30*time.Second, 2*time.Millisecond, func() error {
			latest, ok, err := latestID(NewLocal(dir), offsetsDir)
			if err != nil || !ok || latest < target {
				return errorf("latest batch %d (%v, %v), waiting for %d", latest, ok, err, target)
			}
			return nil
		})
		_ = child.Process.Kill()
		_ = child.Wait()

		c := mustOpen(t, dir)
		r, err := c.Recover()
		if err != nil {
			t.Fatalf("Recover after kill near batch %d: %v", target, err)
		}
		if r.Action == Fresh || r.Plan.ID < target || !samePlan(r.Plan, testPlan(r.Plan.ID, 10*r.Plan.ID)) {
			t.Fatalf("Recover after kill near batch %d = %+v", target, r)
		}
	}
	r, err := mustOpen(t, dir).Recover()
	if err != nil {
		t.Fatal(err)
	}
	rec := &loopRecord{planned: map[int64]batch.Plan{}, committed: map[int64]int{}}
	if err := runLoop(NewLocal(dir), r.Plan.ID+5, rec); err != nil {
		t.Fatal(err)
	}
	checkFinalState(t, dir, r.Plan.ID+5, rec, r.Plan.ID+1)
}

// TestKillWriterChild is the child process of TestKilledWriterRecovers:
// it runs the loop until it is killed.
func TestKillWriterChild(t *testing.T) {
	dir := os.Getenv(childEnv)
	if dir == "" {
		t.Skip("runs only as the child of TestKilledWriterRecovers")
	}
	rec := &loopRecord{planned: map[int64]batch.Plan{}, committed: map[int64]int{}}
	if err := runLoop(NewLocal(dir), 100_000, rec); err != nil {
		t.Fatal(err)
	}
}

func samePlan(a, b batch.Plan) bool {
	return a.ID == b.ID && endOf(a) == endOf(b) && len(a.Tasks) == len(b.Tasks) && a.Tasks[0].Ranges[0] == b.Tasks[0].Ranges[0]
}
