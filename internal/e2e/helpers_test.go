package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/spate-io/spate/internal/testcluster"
)

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// jobBinary builds an example job program once per test binary.
func jobBinary(t *testing.T, name string) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "spate-e2e-*")
		if buildErr != nil {
			return
		}
		for _, ex := range []string{"etl", "clickstream", "wordcount"} {
			out, err := exec.Command("go", "build", "-o", filepath.Join(binDir, ex), "github.com/spate-io/spate/examples/"+ex).CombinedOutput()
			if err != nil {
				buildErr = fmt.Errorf("building %s: %v\n%s", ex, err, out)
				return
			}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return filepath.Join(binDir, name)
}

// jobRun is one run of a job process.
type jobRun struct {
	cmd    *exec.Cmd
	stdout bytes.Buffer
	stderr bytes.Buffer
}

// startJob starts a job program with args and extra environment.
func startJob(t *testing.T, bin string, env []string, args ...string) *jobRun {
	t.Helper()
	r := &jobRun{cmd: exec.Command(bin, args...)}
	r.cmd.Env = append(os.Environ(), env...)
	r.cmd.Stdout, r.cmd.Stderr = &r.stdout, &r.stderr
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return r
}

// wait waits for the process with a deadline and returns how it ended.
func (r *jobRun) wait(t *testing.T, timeout time.Duration) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- r.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(timeout):
		r.cmd.Process.Kill()
		<-done
		t.Fatalf("job did not end within %s\nstdout:\n%s\nstderr:\n%s", timeout, r.stdout.String(), r.stderr.String())
		return nil
	}
}

// killedBySIGKILL reports whether a process ended by SIGKILL.
func killedBySIGKILL(err error) bool {
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// produceNumbered writes n records round-robin over the topic's partitions
// with value "v-<i>" and returns what the broker acknowledged, by offset.
func produceNumbered(t *testing.T, addr, topic string, partitions int32, n int) map[testcluster.Record]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.DefaultProduceTopic(topic), kgo.RecordPartitioner(kgo.RoundRobinPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	if _, err := adm.CreateTopic(ctx, partitions, 1, nil, topic); err != nil && !strings.Contains(err.Error(), "TOPIC_ALREADY_EXISTS") {
		t.Fatal(err)
	}
	want := make(map[testcluster.Record]string, n)
	var mu sync.Mutex
	var perr error
	for i := 0; i < n; i++ {
		v := fmt.Sprintf("v-%d", i)
		cl.Produce(ctx, &kgo.Record{Value: []byte(v)}, func(r *kgo.Record, err error) {
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				perr = err
				return
			}
			want[testcluster.Record{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset}] = string(r.Value)
		})
	}
	if err := cl.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if perr != nil {
		t.Fatal(perr)
	}
	return want
}

// checkGroupCommitted checks the query's consumer group has committed the
// end of every partition, so lag tools see it caught up.
func checkGroupCommitted(t *testing.T, addr, group string, want map[testcluster.Record]string) {
	t.Helper()
	ends := map[int32]int64{}
	var topic string
	for k := range want {
		topic = k.Topic
		ends[k.Partition] = max(ends[k.Partition], k.Offset+1)
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	offs, err := kadm.NewClient(cl).FetchOffsets(ctx, group)
	if err != nil {
		t.Fatal(err)
	}
	for p, end := range ends {
		o, ok := offs.Lookup(topic, p)
		if !ok || o.At != end {
			t.Errorf("group %s: %s-%d committed %v (found %v), want %d", group, topic, p, o.At, ok, end)
		}
	}
}

var sprintf = fmt.Sprintf
