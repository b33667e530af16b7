package broker_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
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

	"github.com/spate-io/spate/internal/testutil"
)

// procCluster is a cluster of `spate broker` processes on 127.0.0.1, each
// with its own data folder, Kafka and gossip ports (kept across
// restarts) and log file, for the fault tests: SIGKILL and restart.
type procCluster struct {
	t     testing.TB
	args  []string // extra flags for every broker
	mu    sync.Mutex
	nodes map[int32]*procNode
}

type procNode struct {
	id                   int32
	data, listen, gossip string
	logPath              string
	cmd                  *exec.Cmd
	exited               chan struct{}
}

// startProcCluster starts n brokers (ids 1..n) and waits until all are
// ready. args are extra `spate broker` flags.
func startProcCluster(t testing.TB, n int, args ...string) *procCluster {
	t.Helper()
	if testing.Short() {
		t.Skip("runs spate broker processes")
	}
	c := &procCluster{t: t, args: args, nodes: map[int32]*procNode{}}
	dir := t.TempDir()
	for id := int32(1); id <= int32(n); id++ {
		c.nodes[id] = &procNode{id: id, data: filepath.Join(dir, fmt.Sprint(id)), listen: testutil.FreeAddr(t), gossip: freeGossipAddr(t),
			logPath: filepath.Join(dir, fmt.Sprintf("broker-%d.log", id))}
	}
	t.Cleanup(func() {
		for id := range c.nodes {
			c.kill(id)
		}
		if t.Failed() {
			c.dumpLogs()
		}
	})
	for id := int32(1); id <= int32(n); id++ {
		c.start(id, id > 1)
	}
	c.waitReady(n)
	return c
}

// freeGossipAddr is a port free for TCP and UDP (memberlist uses both).
func freeGossipAddr(t testing.TB) string {
	t.Helper()
	for i := 0; i < 50; i++ {
		addr := testutil.FreeAddr(t)
		if pc, err := net.ListenPacket("udp", addr); err == nil {
			pc.Close()
			return addr
		}
	}
	t.Fatal("no port free for both TCP and UDP")
	return ""
}

// start runs broker id; join says whether it joins the others (the very
// first start of broker 1 founds the cluster).
func (c *procCluster) start(id int32, join bool) {
	c.t.Helper()
	c.mu.Lock()
	nd := c.nodes[id]
	args := []string{"broker", "--id", fmt.Sprint(id), "--data", nd.data, "--listen", nd.listen, "--gossip", nd.gossip,
		"--group-initial-rebalance-delay", "0s", "--replication-factor", "3"}
	if join {
		var seeds []string
		for oid, o := range c.nodes {
			if oid != id {
				seeds = append(seeds, o.gossip)
			}
		}
		args = append(args, "--join", strings.Join(seeds, ","))
	}
	c.mu.Unlock()
	args = append(args, c.args...)
	logf, err := os.OpenFile(nd.logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		c.t.Fatal(err)
	}
	fmt.Fprintf(logf, "==== start %s\n", strings.Join(args, " "))
	cmd := exec.Command(spateBinary(c.t), args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		logf.Close()
		c.t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		logf.Close()
		close(exited)
	}()
	c.mu.Lock()
	nd.cmd, nd.exited = cmd, exited
	c.mu.Unlock()
	testutil.WaitFor(c.t, 30*time.Second, 20*time.Millisecond, func() error {
		select {
		case <-exited:
			c.dumpLogs()
			c.t.Fatalf("broker %d exited at start", id)
		default:
		}
		return dialOnce(nd.listen)
	})
}

// kill sends SIGKILL to broker id and waits for it to be gone.
func (c *procCluster) kill(id int32) {
	c.mu.Lock()
	var cmd *exec.Cmd
	var exited chan struct{}
	nd, ok := c.nodes[id]
	if ok {
		cmd, exited = nd.cmd, nd.exited
		nd.cmd = nil
	}
	c.mu.Unlock()
	if !ok {
		c.t.Fatalf("no broker %d", id)
	}
	if cmd == nil {
		return
	}
	cmd.Process.Signal(syscall.SIGKILL)
	<-exited
}

// restart starts a killed broker again on its data and addresses.
func (c *procCluster) restart(id int32) { c.start(id, true) }

// addrs are the Kafka addresses of every broker, running or not.
func (c *procCluster) addrs() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for id := int32(1); id <= int32(len(c.nodes)); id++ {
		out = append(out, c.nodes[id].listen)
	}
	return out
}

// admin is a kadm client over every broker.
func (c *procCluster) admin() *kadm.Client {
	return kadm.NewClient(newClient(c.t, c.addrs()[0], kgo.SeedBrokers(c.addrs()...), kgo.MetadataMinAge(100*time.Millisecond)))
}

// waitReady waits until the metadata lists n live brokers and a controller.
func (c *procCluster) waitReady(n int) {
	c.t.Helper()
	adm := c.admin()
	testutil.WaitFor(c.t, 60*time.Second, 100*time.Millisecond, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		m, err := adm.BrokerMetadata(ctx)
		if err != nil {
			return err
		}
		if len(m.Brokers) != n || m.Controller < 0 {
			return fmt.Errorf("%d live brokers, controller %d", len(m.Brokers), m.Controller)
		}
		return nil
	})
}

// cpu is the CPU seconds the running brokers used so far.
func (c *procCluster) cpu(b *testing.B) float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	var s float64
	for _, nd := range c.nodes {
		if nd.cmd != nil {
			s += procCPU(b, nd.cmd.Process.Pid)
		}
	}
	return s
}

// dumpLogs prints the end of every broker's log.
func (c *procCluster) dumpLogs() {
	for id := int32(1); id <= int32(len(c.nodes)); id++ {
		b, _ := os.ReadFile(c.nodes[id].logPath)
		if len(b) > 8000 {
			b = b[len(b)-8000:]
			b = b[bytes.IndexByte(b, '\n')+1:]
		}
		c.t.Logf("---- broker %d log (end) ----\n%s", id, b)
	}
}
