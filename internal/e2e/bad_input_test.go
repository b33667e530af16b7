package e2e

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/spate-io/spate/broker/brokertest"
	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/internal/testutil"
	"github.com/spate-io/spate/sink/parquet"
	"github.com/spate-io/spate/source/kafka"
)

// passthrough is an etl-like query over topic writing to dir/out.
func passthrough(addr, topic, dir string, src *kafka.Source) *engine.StreamWriter {
	if src == nil {
		src = kafka.Subscribe(topic).Brokers(addr).StartingOffsets(kafka.Earliest)
	}
	return engine.NewSession("bad-input").ReadStream(src).
		Select(engine.Col("topic"), engine.Col("partition"), engine.Col("offset"), engine.Col("value")).
		WriteStream(parquet.Sink(filepath.Join(dir, "out"))).Checkpoint(filepath.Join(dir, "ckpt"))
}

func runPlan(t *testing.T, w *engine.StreamWriter, opts engine.RunOptions) *engine.StreamingQuery {
	t.Helper()
	q, err := w.Plan()
	if err != nil {
		t.Fatal(err)
	}
	sq, err := engine.RunQuery(context.Background(), q, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sq.Stop() })
	return sq
}

func awaitFailure(t *testing.T, sq *engine.StreamingQuery, wants ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err := sq.AwaitTermination(ctx)
	if err == nil || err == context.DeadlineExceeded {
		t.Fatalf("query ended with %v, want a failure mentioning %q", err, wants)
	}
	for _, w := range wants {
		if !strings.Contains(err.Error(), w) {
			t.Fatalf("query error %q does not mention %q", err, w)
		}
	}
}

// countingHandler counts log records whose message contains a substring.
type countingHandler struct {
	slog.Handler
	sub string
	n   *atomic.Int64
}

func (h countingHandler) Handle(ctx context.Context, r slog.Record) error {
	if strings.Contains(r.Message, h.sub) {
		h.n.Add(1)
	}
	return nil
}

func TestUnreachableBrokersBackOffAndSayWhy(t *testing.T) {
	var retries atomic.Int64
	log := slog.New(countingHandler{Handler: slog.NewTextHandler(os.Stderr, nil), sub: "retrying", n: &retries})
	src := kafka.Subscribe("t").Brokers("127.0.0.1:1").RequestTimeout(200 * time.Millisecond)
	sq := runPlan(t, passthrough("", "t", t.TempDir(), src), engine.RunOptions{Logger: log, MaxBackoff: time.Second})
	testutil.WaitFor(t, 10*time.Second, 10*time.Millisecond, func() error {
		if msg := sq.Status().Message; !strings.Contains(msg, "127.0.0.1:1") {
			return errorf("status %q does not name the unreachable broker", msg)
		}
		return nil
	})
	start := retries.Load()
	time.Sleep(2 * time.Second) // observe the retry rate; backoff caps at 1s here
	if n := retries.Load() - start; n > 5 {
		t.Fatalf("%d retries in 2s: the query spins instead of backing off", n)
	}
	if !sq.IsActive() {
		t.Fatalf("query died on unreachable brokers: %v", sq.Err())
	}
}

func TestDeletedTopicFailsTheQueryNamingIt(t *testing.T) {
	addr := brokertest.Start(t)
	produceNumbered(t, addr, "doomed", 2, 100)
	sq := runPlan(t, passthrough(addr, "doomed", t.TempDir(), nil), engine.RunOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := sq.ProcessAllAvailable(ctx); err != nil {
		t.Fatal(err)
	}
	adm := admin(t, addr)
	if _, err := adm.DeleteTopics(ctx, "doomed"); err != nil {
		t.Fatal(err)
	}
	awaitFailure(t, sq, "doomed")
}

func TestShrunkPartitionCountFailsTheQuery(t *testing.T) {
	addr := brokertest.Start(t)
	produceNumbered(t, addr, "shrinks", 3, 90)
	sq := runPlan(t, passthrough(addr, "shrinks", t.TempDir(), nil), engine.RunOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := sq.ProcessAllAvailable(ctx); err != nil {
		t.Fatal(err)
	}
	adm := admin(t, addr)
	if _, err := adm.DeleteTopics(ctx, "shrinks"); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 10*time.Second, 10*time.Millisecond, func() error {
		_, err := adm.CreateTopic(ctx, 1, 1, nil, "shrinks")
		return err
	})
	awaitFailure(t, sq, "shrinks")
}

func TestUnwritableOutputFolderFailsWithThePath(t *testing.T) {
	addr := brokertest.Start(t)
	produceNumbered(t, addr, "blocked", 1, 10)
	dir := t.TempDir()
	// A file where the output folder should be: not writable as a folder,
	// even for root.
	if err := os.WriteFile(filepath.Join(dir, "out"), []byte("not a folder"), 0o644); err != nil {
		t.Fatal(err)
	}
	sq := runPlan(t, passthrough(addr, "blocked", dir, nil), engine.RunOptions{})
	awaitFailure(t, sq, filepath.Join(dir, "out"))
}

func TestCheckpointOfAnotherQueryIsRefused(t *testing.T) {
	addr := brokertest.Start(t)
	produceNumbered(t, addr, "ck", 1, 10)
	dir := t.TempDir()
	sq := runPlan(t, passthrough(addr, "ck", dir, nil).Trigger(engine.AvailableNow()), engine.RunOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := sq.AwaitTermination(ctx); err != nil {
		t.Fatal(err)
	}
	other := engine.NewSession("other").ReadStream(kafka.Subscribe("ck").Brokers(addr)).
		Select(engine.Col("key")).
		WriteStream(parquet.Sink(filepath.Join(dir, "out2"))).Checkpoint(filepath.Join(dir, "ckpt"))
	q, err := other.Plan()
	if err != nil {
		t.Fatal(err)
	}
	_, err = engine.RunQuery(ctx, q, engine.RunOptions{})
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "ckpt")) {
		t.Fatalf("RunQuery on another query's checkpoint: %v, want a refusal naming the checkpoint", err)
	}
}

func TestCorruptOffsetsFileIsRefusedWithItsName(t *testing.T) {
	addr := brokertest.Start(t)
	produceNumbered(t, addr, "corrupt", 1, 10)
	dir := t.TempDir()
	w := passthrough(addr, "corrupt", dir, nil).Trigger(engine.AvailableNow())
	sq := runPlan(t, w, engine.RunOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := sq.AwaitTermination(ctx); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "ckpt", "offsets", "0")
	if err := os.WriteFile(bad, []byte("v1\n{\"batchId\":0,\"sources\":[{\"start\":"), 0o644); err != nil {
		t.Fatal(err)
	}
	produceNumbered(t, addr, "corrupt", 1, 10)
	q, err := w.Plan()
	if err != nil {
		t.Fatal(err)
	}
	sq2, err := engine.RunQuery(ctx, q, engine.RunOptions{})
	if err == nil {
		err = sq2.AwaitTermination(ctx)
	}
	if err == nil || !strings.Contains(err.Error(), bad) {
		t.Fatalf("restart over a corrupt offsets file: %v, want a refusal naming %s", err, bad)
	}
}

var jsonSchema = arrow.NewSchema([]arrow.Field{{Name: "n", Type: arrow.PrimitiveTypes.Int64, Nullable: true}}, nil)

func TestFromJSONModesOnMalformedRecords(t *testing.T) {
	addr := brokertest.Start(t)
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.DefaultProduceTopic("json"), kgo.AllowAutoTopicCreation())
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, v := range []string{`{"n":1}`, `{"n":`, `{"n":3}`} {
		if err := cl.ProduceSync(ctx, &kgo.Record{Value: []byte(v)}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	run := func(mode string) (*engine.StreamingQuery, string) {
		dir := t.TempDir()
		src := kafka.Subscribe("json").Brokers(addr).StartingOffsets(kafka.Earliest)
		w := engine.NewSession("json-"+mode).ReadStream(src).
			Select(engine.FromJSON(engine.Col("value"), jsonSchema, map[string]string{"mode": mode}).As("j"), engine.Col("offset")).
			Select(engine.Col("j.n"), engine.Col("offset")).
			WriteStream(parquet.Sink(filepath.Join(dir, "out"))).Checkpoint(filepath.Join(dir, "ckpt")).Trigger(engine.AvailableNow())
		return runPlan(t, w, engine.RunOptions{}), dir
	}
	sq, _ := run("FAILFAST")
	awaitFailure(t, sq, "json", "offset 1")

	sq, dir := run("DROPMALFORMED")
	if err := sq.AwaitTermination(ctx); err != nil {
		t.Fatal(err)
	}
	files, err := parquet.CommittedFiles(filepath.Join(dir, "out"))
	if err != nil {
		t.Fatal(err)
	}
	var rows int64
	for _, f := range files {
		rows += f.Rows
	}
	if rows != 2 {
		t.Fatalf("DROPMALFORMED wrote %d rows, want 2 (the malformed record dropped)", rows)
	}

	sq, dir = run("PERMISSIVE")
	if err := sq.AwaitTermination(ctx); err != nil {
		t.Fatal(err)
	}
	if files, err = parquet.CommittedFiles(filepath.Join(dir, "out")); err != nil {
		t.Fatal(err)
	}
	rows = 0
	for _, f := range files {
		rows += f.Rows
	}
	if rows != 3 {
		t.Fatalf("PERMISSIVE wrote %d rows, want 3 (the malformed one with a null n)", rows)
	}
}

func admin(t *testing.T, addr string) *kadm.Client {
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return kadm.NewClient(cl)
}

type errString string

func (e errString) Error() string { return string(e) }

func errorf(format string, args ...any) error {
	return errString(strings.TrimSpace(sprintf(format, args...)))
}
