package broker_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/spate-io/spate/internal/testutil"
)

// spateBin is the spate binary built once for the tests that run the
// broker as a separate process; "" when the build failed. SPATE_BIN names
// a binary built beforehand instead.
var (
	spateOnce sync.Once
	spateBin  string
	spateDir  string // the temporary folder it was built in, removed by TestMain
	spateErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if spateDir != "" {
		os.RemoveAll(spateDir)
	}
	os.Exit(code)
}

func spateBinary(t testing.TB) string {
	t.Helper()
	spateOnce.Do(func() {
		if bin := os.Getenv("SPATE_BIN"); bin != "" {
			spateBin = bin
			return
		}
		dir, err := os.MkdirTemp("", "spate-bin-")
		if err != nil {
			spateErr = err
			return
		}
		spateDir = dir
		bin := filepath.Join(dir, "spate")
		out, err := exec.Command("go", "build", "-o", bin, "github.com/spate-io/spate/cmd/spate").CombinedOutput()
		if err != nil {
			spateErr = fmt.Errorf("building spate: %v\n%s", err, out)
			return
		}
		spateBin = bin
	})
	if spateErr != nil {
		t.Fatal(spateErr)
	}
	return spateBin
}

func dialOnce(addr string) error {
	c, err := net.Dial("tcp", addr)
	if err == nil {
		c.Close()
	}
	return err
}

// startBrokerProcess runs `spate broker` and waits until it accepts.
func startBrokerProcess(t *testing.T, data, addr string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(spateBinary(t), "broker", "--id", "1", "--data", data, "--listen", addr, "--group-initial-rebalance-delay", "0s")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	testutil.WaitFor(t, 20*time.Second, 20*time.Millisecond, func() error { return dialOnce(addr) })
	return cmd
}

// TestKill9DuringProduce kills the broker process with SIGKILL while an
// idempotent acks=all producer is writing, restarts it on the same data,
// and checks that every acknowledged record is there once and in order.
func TestKill9DuringProduce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the spate binary")
	}
	data, addr := t.TempDir(), testutil.FreeAddr(t)
	cmd := startBrokerProcess(t, data, addr)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	adm := kadm.NewClient(newClient(t, addr))
	if _, err := adm.CreateTopic(ctx, 3, 1, nil, "acked"); err != nil {
		t.Fatal(err)
	}

	p, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.DefaultProduceTopic("acked"),
		kgo.RequiredAcks(kgo.AllISRAcks()), kgo.RecordDeliveryTimeout(3*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		acked = map[int]bool{}
	)
	const killAfter = 20_000
	killed := make(chan struct{})
	var once sync.Once
	pctx, pcancel := context.WithCancel(ctx)
	for i := 0; pctx.Err() == nil && i < 1_000_000; i++ {
		v := i
		p.Produce(pctx, &kgo.Record{Key: []byte(strconv.Itoa(v % 31)), Value: []byte(strconv.Itoa(v))}, func(_ *kgo.Record, err error) {
			if err != nil {
				return
			}
			mu.Lock()
			acked[v] = true
			n := len(acked)
			mu.Unlock()
			if n >= killAfter {
				once.Do(func() {
					cmd.Process.Signal(syscall.SIGKILL)
					close(killed)
				})
			}
		})
		select {
		case <-killed:
			pcancel()
		default:
		}
	}
	<-killed
	pcancel()
	p.Close() // fails whatever was not acknowledged
	cmd.Wait()
	mu.Lock()
	nAcked := len(acked)
	mu.Unlock()

	if keep := os.Getenv("SPATE_KEEP_KILLED"); keep != "" {
		exec.Command("cp", "-r", data, keep).Run()
	}
	startBrokerProcess(t, data, addr)
	c := newClient(t, addr, kgo.ConsumeTopics("acked"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	ends, err := kadm.NewClient(c).ListEndOffsets(ctx, "acked")
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	ends.Each(func(o kadm.ListedOffset) { total += o.Offset })
	seen := map[int]int{}
	last := map[int32]int{}
	for n := int64(0); n < total; {
		fs := c.PollFetches(ctx)
		if err := fs.Err0(); err != nil {
			t.Fatalf("after %d of %d records: %v", n, total, err)
		}
		fs.EachRecord(func(r *kgo.Record) {
			n++
			v, _ := strconv.Atoi(string(r.Value))
			seen[v]++
			if l, ok := last[r.Partition]; ok && v <= l {
				t.Errorf("partition %d: %d after %d", r.Partition, v, l)
			}
			last[r.Partition] = v
		})
	}
	for v := range acked {
		if seen[v] != 1 {
			t.Fatalf("acknowledged record %d found %d times after the restart", v, seen[v])
		}
	}
	for v, n := range seen {
		if n > 1 {
			t.Fatalf("record %d stored %d times", v, n)
		}
	}
	t.Logf("%d acknowledged before SIGKILL, %d stored", nAcked, total)
	if nAcked < killAfter {
		t.Fatal(errors.New("fewer acks than the kill threshold"))
	}
}
