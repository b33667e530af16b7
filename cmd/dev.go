package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/spate-io/spate/driver"
	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/engine/plan"
	"github.com/spate-io/spate/internal/clickgen"
	"github.com/spate-io/spate/sink/parquet"
	"github.com/spate-io/spate/source/kafka"
)

// devFlags are the flags of `spate dev` besides the broker's.
type devFlags struct {
	duration  time.Duration
	demo      bool
	executors int
	slots     int
	driver    string
	rate      int
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
	addCommand(c)
}

// DevDemo builds the query `spate dev --demo` submits, reading the topic
// clicks at brokers and writing under dataDir. The default is the
// clickstream job of examples/clickstream; a custom build may replace it
// from an init function to demo its own job.
var DevDemo = clickstreamDemo

// devDemoTopic is the topic the demo generator writes.
const devDemoTopic = "clicks"

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
	if err := startDevCluster(ctx, sup, bf, df, data); err != nil {
		return err
	}
	fmt.Fprintf(out, "[dev] broker %s, driver http://%s (status page), %d executors; data in %s\n", bf.listen, df.driver, df.executors, data)
	fmt.Fprintf(out, "[dev]   ./bin/spate jobs list --driver %s    ./bin/spate lag --brokers %s    Ctrl-C stops everything\n", df.driver, bf.listen)
	var demo *devDemo
	if df.demo {
		if demo, err = startDevDemo(ctx, out, bf.listen, df, data); err != nil {
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

// startDevCluster starts the broker, the driver and the executors, each
// once the previous is ready.
func startDevCluster(ctx context.Context, sup *supervisor, bf brokerFlags, df devFlags, data string) error {
	brokerArgs := []string{"broker", "--data", filepath.Join(data, "broker"), "--listen", bf.listen,
		"--partitions", strconv.Itoa(int(bf.partitions)), "--id", strconv.Itoa(int(bf.id))}
	if bf.noAutoTopic {
		brokerArgs = append(brokerArgs, "--no-auto-create")
	}
	sup.start("broker", brokerArgs...)
	if err := waitReady(ctx, "the broker", func(ctx context.Context) error { return pingKafka(ctx, bf.listen) }); err != nil {
		return err
	}
	sup.start("driver", "driver", "--listen", df.driver, "--data", filepath.Join(data, "driver"))
	dc := driver.NewClient(df.driver)
	if err := waitReady(ctx, "the driver", dc.Healthy); err != nil {
		return err
	}
	for i := 1; i <= df.executors; i++ {
		name := fmt.Sprintf("executor-%d", i)
		sup.start(name, "executor", "--driver", df.driver, "--name", name, "--slots", strconv.Itoa(df.slots))
	}
	return waitReady(ctx, "the executors", func(ctx context.Context) error {
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

// supervisor runs children of this binary with prefixed logs, restarts a
// child that exits on its own (at most 5 times a minute), and stops them
// all in reverse start order.
type supervisor struct {
	bin    string
	out    io.Writer
	failed chan error

	mu       sync.Mutex
	children []*child
	stopping bool
}

type child struct {
	name string
	args []string
	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when the supervising goroutine ends
}

func (s *supervisor) start(name string, args ...string) {
	ch := &child{name: name, args: args, done: make(chan struct{})}
	s.mu.Lock()
	s.children = append(s.children, ch)
	s.mu.Unlock()
	go s.supervise(ch)
}

func (s *supervisor) supervise(ch *child) {
	defer close(ch.done)
	var crashes []time.Time
	for {
		err := s.runOnce(ch)
		if s.isStopping() {
			return
		}
		now := time.Now()
		crashes = append(crashes, now)
		for len(crashes) > 0 && now.Sub(crashes[0]) > time.Minute {
			crashes = crashes[1:]
		}
		if len(crashes) > 5 {
			s.fail(fmt.Errorf("dev: %s exited %d times within a minute (last: %v); see its log above", ch.name, len(crashes), err))
			return
		}
		fmt.Fprintf(s.out, "[dev] %s exited (%v); restarting it in 1s\n", ch.name, err)
		time.Sleep(time.Second)
		if s.isStopping() {
			return
		}
	}
}

// runOnce runs the child until it exits. Children get their own process
// group, so the terminal's Ctrl-C reaches only dev, which stops them in
// order.
func (s *supervisor) runOnce(ch *child) error {
	cmd := exec.Command(s.bin, ch.args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	pw := &prefixWriter{prefix: "[" + ch.name + "] ", out: s.out}
	cmd.Stdout, cmd.Stderr = pw, pw
	ch.mu.Lock()
	err := cmd.Start()
	if err == nil {
		ch.cmd = cmd
	}
	ch.mu.Unlock()
	if err != nil {
		return err
	}
	err = cmd.Wait()
	pw.flush()
	return err
}

func (s *supervisor) isStopping() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopping
}

func (s *supervisor) fail(err error) {
	select {
	case s.failed <- err:
	default:
	}
}

// stopAll sends SIGTERM to every child, newest first, waiting up to
// timeout for each before SIGKILL.
func (s *supervisor) stopAll(timeout time.Duration) {
	s.mu.Lock()
	s.stopping = true
	children := append([]*child(nil), s.children...)
	s.mu.Unlock()
	for i := len(children) - 1; i >= 0; i-- {
		ch := children[i]
		ch.signal(syscall.SIGTERM)
		select {
		case <-ch.done:
		case <-time.After(timeout):
			fmt.Fprintf(s.out, "[dev] %s did not stop within %s; killing it\n", ch.name, timeout)
			ch.signal(syscall.SIGKILL)
			<-ch.done
		}
	}
}

func (ch *child) signal(sig syscall.Signal) {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if ch.cmd != nil && ch.cmd.Process != nil {
		_ = ch.cmd.Process.Signal(sig)
	}
}

// prefixWriter writes whole lines, each prefixed, to out.
type prefixWriter struct {
	prefix string
	out    io.Writer
	mu     sync.Mutex
	buf    []byte
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf = append(p.buf, b...)
	for {
		i := strings.IndexByte(string(p.buf), '\n')
		if i < 0 {
			return len(b), nil
		}
		fmt.Fprintf(p.out, "%s%s\n", p.prefix, p.buf[:i])
		p.buf = p.buf[i+1:]
	}
}

func (p *prefixWriter) flush() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.buf) > 0 {
		fmt.Fprintf(p.out, "%s%s\n", p.prefix, p.buf)
		p.buf = nil
	}
}

// lockedWriter serialises writes from the children's log copiers.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// devDemo is the running demo: the event generator and the query.
type devDemo struct {
	brokers, driver, name, out string
	gen                        *clickgen.Producer
	stopGen                    context.CancelFunc
	genDone                    chan error
	progressDone               chan struct{}
}

// startDevDemo creates the topic, starts the generator, submits the demo
// query and prints its progress every two seconds.
func startDevDemo(ctx context.Context, out io.Writer, brokers string, df devFlags, data string) (*devDemo, error) {
	if err := ensureTopic(ctx, brokers, devDemoTopic, 4); err != nil {
		return nil, err
	}
	gen, err := clickgen.New(clickgen.Config{Brokers: []string{brokers}, Topic: devDemoTopic, Rate: df.rate, Malformed: 0.01})
	if err != nil {
		return nil, err
	}
	q, err := DevDemo(brokers, data)
	if err != nil {
		return nil, fmt.Errorf("dev: building the demo query: %w", err)
	}
	planJSON, err := plan.Marshal(q)
	if err != nil {
		return nil, err
	}
	// The generator stops when the demo finishes, not with ctx, so the
	// query can catch up with the last events before the lag is shown.
	genCtx, stopGen := context.WithCancel(context.WithoutCancel(ctx))
	d := &devDemo{brokers: brokers, driver: df.driver, name: q.Name, out: sinkPath(q), gen: gen, stopGen: stopGen,
		genDone: make(chan error, 1), progressDone: make(chan struct{})}
	go func() { d.genDone <- gen.Run(genCtx) }()
	resp, err := driver.NewClient(df.driver).Submit(ctx, planJSON)
	if err != nil {
		return nil, fmt.Errorf("dev: submitting the demo query: %w", err)
	}
	fmt.Fprintf(out, "[demo] producing %d click events/s to %s; query %s (id %s) writes Parquet to %s\n", df.rate, devDemoTopic, resp.Name, resp.ID, d.out)
	go d.printProgress(ctx, out)
	return d, nil
}

func (d *devDemo) printProgress(ctx context.Context, out io.Writer) {
	defer close(d.progressDone)
	c := driver.NewClient(d.driver)
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	last := int64(-1)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		st, err := c.Status(ctx, d.name)
		switch {
		case err != nil:
			fmt.Fprintf(out, "[demo] status: %v\n", err)
		case st.BatchID == last:
			fmt.Fprintf(out, "[demo] %s: %s\n", st.State, oneLine(st.Message))
		default:
			last = st.BatchID
			behind := "-"
			if len(st.Sources) > 0 && st.Sources[0].Metrics != nil {
				behind = st.Sources[0].Metrics["maxOffsetsBehindLatest"]
			}
			fmt.Fprintf(out, "[demo] batch %d: %d rows, %.0f rows/s, max %s offsets behind; %d events produced\n",
				st.BatchID, st.NumInputRows, st.ProcessedRowsPerSecond, behind, d.gen.Acked())
		}
	}
}

// finish stops the generator, gives the query up to 15 seconds to read
// the last events, and prints its consumer-group lag and where the
// Parquet files are.
func (d *devDemo) finish(out io.Writer) {
	d.stopGen()
	if err := <-d.genDone; err != nil {
		fmt.Fprintf(out, "[demo] generator: %v\n", err)
	}
	<-d.progressDone
	cl, err := kgo.NewClient(kgo.SeedBrokers(d.brokers))
	if err != nil {
		return
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	adm := kadm.NewClient(cl)
	group := "spate-" + d.name
	groups, err := sampleLag(ctx, adm, []string{group}, nil)
	for err == nil && totalLag(groups) > 0 && ctx.Err() == nil {
		time.Sleep(200 * time.Millisecond)
		groups, err = sampleLag(ctx, adm, []string{group}, nil)
	}
	if err == nil {
		fmt.Fprintf(out, "\n[demo] %d events produced; the query's consumer group (spate lag --brokers %s):\n", d.gen.Acked(), d.brokers)
		_ = printLagTable(out, groups)
	}
	fmt.Fprintf(out, "\n[demo] Parquet output: %s  (e.g. duckdb -c \"select count(*) from read_parquet('%s/**/*.parquet')\")\n", d.out, d.out)
}

func totalLag(groups []lagGroup) int64 {
	var n int64
	for _, g := range groups {
		n += g.TotalLag
	}
	return n
}

// ensureTopic creates topic unless it exists.
func ensureTopic(ctx context.Context, brokers, topic string, partitions int32) error {
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers))
	if err != nil {
		return err
	}
	defer cl.Close()
	resp, err := kadm.NewClient(cl).CreateTopic(ctx, partitions, 1, nil, topic)
	if err == nil {
		err = resp.Err
	}
	if err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
		return fmt.Errorf("dev: creating topic %s: %w", topic, err)
	}
	return nil
}

// sinkPath is the Parquet sink's folder of a plan, for messages.
func sinkPath(q *plan.Query) string {
	var o struct {
		Path string `json:"path"`
	}
	if q.Sink != nil && json.Unmarshal(q.Sink.Options, &o) == nil && o.Path != "" {
		return o.Path
	}
	return "(see the plan's sink)"
}

// clickSchema is the shape of a clickgen event.
var clickSchema = arrow.NewSchema([]arrow.Field{
	{Name: "user_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "session", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "page", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "action", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, Nullable: true},
	{Name: "duration_ms", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "price", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "country", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "device", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// clickstreamDemo is the query of examples/clickstream: parse the JSON
// events, drop malformed ones, write Parquet partitioned by day.
func clickstreamDemo(brokers, dataDir string) (*plan.Query, error) {
	out := filepath.Join(dataDir, "out", "clicks")
	col := engine.Col
	return engine.NewSession("clickstream").
		ReadStream(kafka.Subscribe(devDemoTopic).Brokers(brokers).StartingOffsets(kafka.Earliest)).
		Select(engine.FromJSON(col("value"), clickSchema, map[string]string{"mode": "DROPMALFORMED"}).As("click"),
			col("partition"), col("offset")).
		Select(col("click.*"), col("partition"), col("offset")).
		Filter(col("user_id").IsNotNull().And(col("ts").IsNotNull())).
		WithColumn("date", engine.ToDate(col("ts"))).
		WithColumn("page_section", engine.RegexpExtract(col("page"), `^/([a-z]+)`, 1)).
		WriteStream(parquet.Sink(out).PartitionBy("date").Dictionary("action", "country", "device", "page_section")).
		Checkpoint(filepath.Join(dataDir, "checkpoints", "clickstream")).
		Trigger(engine.ProcessingTime(time.Second)).
		Plan()
}
