package cmd

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/spate-io/spate/driver"
)

// devFlags are the flags of `spate dev` besides the broker's.
type devFlags struct {
	duration  time.Duration
	demo      bool
	executors int
	slots     int
	driver    string
	rate      int
	brokers   int
}

func init() {
	var (
		bf brokerFlags
		df devFlags
	)
	c := &cobra.Command{
		Use:   "dev",
		Short: "run the embedded default on localhost: a broker, a driver and executors",
		Long: "Starts a broker, a driver and --executors executor processes (children of this binary, their\n" +
			"logs prefixed with [broker], [driver], [executor-1], ...), restarting a child that crashes.\n" +
			"With --demo (the default) a clickstream generator writes to the topic clicks and the demo\n" +
			"query is submitted; its progress is printed as it runs. Data lives under --data. Ctrl-C,\n" +
			"or --duration, stops everything.",
		Example: "  spate dev\n  spate dev --data .spate --duration 30s\n  spate dev --demo=false --executors 3",
		Args:    cobra.NoArgs,
		RunE:    func(c *cobra.Command, _ []string) error { return runDev(c, bf, df) },
	}
	bf.register(c, ".spate")
	f := c.Flags()
	f.DurationVar(&df.duration, "duration", 0, "stop after this long (0: run until interrupted)")
	f.BoolVar(&df.demo, "demo", true, "produce clickstream events and run the demo query")
	f.IntVar(&df.executors, "executors", 2, "executor processes")
	f.IntVar(&df.slots, "slots", 2, "task slots per executor")
	f.StringVar(&df.driver, "driver-listen", driver.DefaultListen, "the driver's HTTP address")
	f.IntVar(&df.rate, "rate", 2000, "demo events per second")
	f.IntVar(&df.brokers, "brokers", 3, "broker processes; more than one form a replicated cluster, topics replicated min(N,3) ways (Kafka ports --listen, +1, ...)")
	addCommand(c)
}

func runDev(c *cobra.Command, bf brokerFlags, df devFlags) error {
	ctx := c.Context()
	if df.duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, df.duration)
		defer cancel()
	}
	data, err := filepath.Abs(bf.data)
	if err != nil {
		return err
	}
	bin, err := os.Executable()
	if err != nil {
		return fmt.Errorf("dev: cannot find this binary to start its children: %w", err)
	}
	out := &lockedWriter{w: c.OutOrStdout()}
	sup := &supervisor{bin: bin, out: out, failed: make(chan error, 1)}
	defer sup.stopAll(10 * time.Second)
	brokers, err := startDevCluster(ctx, sup, bf, df, data)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "[dev] brokers %s, driver http://%s (status page), %d executors; data in %s\n", brokers.bootstrap(), df.driver, df.executors, data)
	fmt.Fprintf(out, "[dev]   ./bin/spate jobs list --driver %s    ./bin/spate lag --brokers %s    Ctrl-C stops everything\n", df.driver, brokers.bootstrap())
	var demo *devDemo
	if df.demo {
		if demo, err = startDevDemo(ctx, out, brokers.bootstrap(), brokers.replicas, df, data); err != nil {
			return err
		}
	}
	select {
	case <-ctx.Done():
	case err = <-sup.failed:
	}
	fmt.Fprintln(out, "[dev] stopping")
	if demo != nil {
		demo.finish(out)
	}
	return err
}

// startDevCluster starts the brokers, the driver and the executors, each
// once the previous is ready.
func startDevCluster(ctx context.Context, sup *supervisor, bf brokerFlags, df devFlags, data string) (devBrokers, error) {
	brokers, err := planDevBrokers(bf, df.brokers, data, freeLoopbackAddr)
	if err != nil {
		return brokers, err
	}
	for i, args := range brokers.args {
		sup.start(brokers.names[i], args...)
	}
	for _, addr := range brokers.addrs {
		if err := waitReady(ctx, "the broker at "+addr, func(ctx context.Context) error { return pingKafka(ctx, addr) }); err != nil {
			return brokers, err
		}
	}
	sup.start("driver", "driver", "--listen", df.driver, "--data", filepath.Join(data, "driver"))
	dc := driver.NewClient(df.driver)
	if err := waitReady(ctx, "the driver", dc.Healthy); err != nil {
		return brokers, err
	}
	for i := 1; i <= df.executors; i++ {
		name := fmt.Sprintf("executor-%d", i)
		sup.start(name, "executor", "--driver", df.driver, "--name", name, "--slots", strconv.Itoa(df.slots))
	}
	return brokers, waitReady(ctx, "the executors", func(ctx context.Context) error {
		execs, err := dc.Executors(ctx)
		alive := 0
		for _, e := range execs {
			if e.Alive {
				alive++
			}
		}
		if err == nil && alive < df.executors {
			err = fmt.Errorf("%d of %d executors registered", alive, df.executors)
		}
		return err
	})
}

// waitReady polls check until it succeeds, for at most 30 seconds.
func waitReady(ctx context.Context, what string, check func(context.Context) error) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		cctx, cancel := context.WithTimeout(ctx, time.Second)
		err := check(cctx)
		cancel()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("dev: %s did not get ready within 30s: %w", what, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func pingKafka(ctx context.Context, addr string) error {
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr))
	if err != nil {
		return err
	}
	defer cl.Close()
	_, err = kadm.NewClient(cl).BrokerMetadata(ctx)
	return err
}

// devBrokers are the broker children of `spate dev`.
type devBrokers struct {
	names []string
	args  [][]string // command lines
	addrs []string   // Kafka addresses
	// replicas is the replication factor of the demo topic.
	replicas int16
}

func (b devBrokers) bootstrap() string { return strings.Join(b.addrs, ",") }

// planDevBrokers lays out n brokers: one alone as before (data in
// <data>/broker), or n >= 2 forming a replicated cluster: broker i has id
// --id+i-1, data in <data>/broker-<id>, Kafka on the --listen port + i-1
// and gossip on a free port, every broker after the first joining the
// first; topics get min(n, 3) replicas and min.insync.replicas 2 from
// three brokers on. freeAddr gives a free gossip address on a host.
func planDevBrokers(bf brokerFlags, n int, data string, freeAddr func(host string) (string, error)) (devBrokers, error) {
	if n < 1 {
		return devBrokers{}, fmt.Errorf("dev: --brokers %d: want at least 1", n)
	}
	host, portStr, err := net.SplitHostPort(bf.listen)
	port, perr := strconv.Atoi(portStr)
	if err != nil || perr != nil || (n > 1 && port == 0) {
		return devBrokers{}, fmt.Errorf("dev: --listen %q: want HOST:PORT with a fixed port", bf.listen)
	}
	b := devBrokers{replicas: int16(min(n, 3))}
	var seed string
	for i := range n {
		id := int(bf.id) + i
		addr := net.JoinHostPort(host, strconv.Itoa(port+i))
		args := []string{"broker", "--id", strconv.Itoa(id), "--listen", addr, "--partitions", strconv.Itoa(int(bf.partitions))}
		if bf.noAutoTopic {
			args = append(args, "--no-auto-create")
		}
		name, dir := "broker", filepath.Join(data, "broker")
		if n > 1 {
			name, dir = "broker-"+strconv.Itoa(id), filepath.Join(data, "broker-"+strconv.Itoa(id))
			gossip, err := freeAddr(host)
			if err != nil {
				return devBrokers{}, err
			}
			rf := strconv.Itoa(int(b.replicas))
			args = append(args, "--gossip", gossip, "--replication-factor", rf, "--offsets-replication-factor", rf)
			if n >= 3 {
				args = append(args, "--min-insync-replicas", "2")
			}
			if i == 0 {
				seed = gossip
			} else {
				args = append(args, "--join", seed)
			}
		}
		b.names = append(b.names, name)
		b.args = append(b.args, append(args, "--data", dir))
		b.addrs = append(b.addrs, addr)
	}
	return b, nil
}

// freeLoopbackAddr is a host:port that was free a moment ago.
func freeLoopbackAddr(host string) (string, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return "", fmt.Errorf("dev: finding a free port on %s: %w", host, err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
