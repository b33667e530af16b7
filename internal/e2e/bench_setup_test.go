package e2e

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/spate-io/spate/internal/clickgen"
)

// benchBroker is a spate broker in its own process, so that a benchmark's
// CPU time (getrusage of this process) is the reader's and writer's only.
type benchBroker struct {
	addr string
	cmd  *exec.Cmd
}

var (
	benchOnce   sync.Once
	benchShared *benchBroker
	benchErr    error
)

// sharedBenchBroker starts the broker once for every benchmark of the run
// and loads it with the clickstream topics they read.
func sharedBenchBroker(b *testing.B) *benchBroker {
	b.Helper()
	benchOnce.Do(func() { benchShared, benchErr = startBenchBroker() })
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchShared
}

func startBenchBroker() (*benchBroker, error) {
	dir, err := os.MkdirTemp("", "spate-bench-*")
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(dir, "spate")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/spate-io/spate/cmd/spate").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building spate: %v\n%s", err, out)
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "broker", "--id", "1", "--data", filepath.Join(dir, "data"), "--listen", addr)
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	bb := &benchBroker{addr: addr, cmd: cmd}
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return bb, nil
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			return nil, fmt.Errorf("broker at %s not ready within 30s", addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// loadClicks fills topic (6 partitions) with n clickstream events, once per
// topic name.
func (bb *benchBroker) loadClicks(b *testing.B, topic string, n int64) {
	b.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(bb.addr))
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	adm := kadm.NewClient(cl)
	ends, err := adm.ListEndOffsets(ctx, topic)
	if err == nil {
		var have int64
		ends.Each(func(o kadm.ListedOffset) { have += o.Offset })
		if have >= n {
			return
		}
	}
	if _, err := adm.CreateTopic(ctx, 6, 1, nil, topic); err != nil {
		b.Fatal(err)
	}
	p, err := clickgen.New(clickgen.Config{Brokers: []string{bb.addr}, Topic: topic, Count: n})
	if err != nil {
		b.Fatal(err)
	}
	if err := p.Run(ctx); err != nil {
		b.Fatal(err)
	}
}

// cpuTime is this process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// measure runs fn and reports records/s, records per CPU-second (per core)
// and MB/s of values read.
func measure(b *testing.B, records int64, fn func()) {
	b.Helper()
	cpu0, t0 := cpuTime(), time.Now()
	fn()
	wall, cpu := time.Since(t0), cpuTime()-cpu0
	b.ReportMetric(float64(records)/wall.Seconds(), "records/s")
	b.ReportMetric(float64(records)/cpu.Seconds(), "records/cpu-s")
	b.ReportMetric(cpu.Seconds()/wall.Seconds(), "cores")
}
