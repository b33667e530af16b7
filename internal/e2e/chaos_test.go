package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/spate-io/spate/broker/brokertest"
	"github.com/spate-io/spate/internal/testcluster"
)

// TestETLExactlyOnceUnderLoadWithRandomKills produces continuously while
// the etl job (trigger 0: back-to-back batches) is SIGKILLed at random
// moments and restarted; at the end every acknowledged record is in the
// output exactly once.
func TestETLExactlyOnceUnderLoadWithRandomKills(t *testing.T) {
	bin := jobBinary(t, "etl")
	addr := brokertest.Start(t)
	const topic, name = "load", "etl-load"
	dir := t.TempDir()
	args := []string{"run", "--brokers", addr, "--topic", topic, "--name", name, "--trigger", "0",
		"--out", filepath.Join(dir, "out"), "--checkpoint", filepath.Join(dir, "ckpt"), "--max-offsets-per-trigger", "2000"}

	prod := startProducer(t, addr, topic, 4)
	rng := rand.New(rand.NewPCG(7, 7))
	kills := 5
	if os.Getenv("SPATE_CHAOS") != "" {
		kills = 25
	}
	for i := 0; i < kills; i++ {
		job := startJob(t, bin, nil, args...)
		waitGroupProgress(t, addr, "spate-"+name, topic)
		time.Sleep(time.Duration(rng.IntN(150)) * time.Millisecond) // a random point within the batches
		job.cmd.Process.Kill()
		if err := job.wait(t, 30*time.Second); !killedBySIGKILL(err) {
			t.Fatalf("kill %d: job ended with %v before it was killed\nstderr:\n%s", i, err, job.stderr.String())
		}
	}
	want := prod.stop(t)
	t.Logf("%d records acknowledged across %d kills", len(want), kills)
	final := startJob(t, bin, nil, append(args[:len(args):len(args)], "--trigger", "available-now")...)
	if err := final.wait(t, 120*time.Second); err != nil {
		t.Fatalf("final catch-up run: %v\nstderr:\n%s", err, final.stderr.String())
	}
	testcluster.CheckExactlyOnce(t, want, testcluster.ReadParquet(t, filepath.Join(dir, "out")))
	checkGroupCommitted(t, addr, "spate-"+name, want)
}

// producer writes numbered records until stopped, remembering what was
// acknowledged.
type producer struct {
	cancel context.CancelFunc
	done   chan struct{}
	mu     sync.Mutex
	acked  map[testcluster.Record]string
	err    error
}

func startProducer(t *testing.T, addr, topic string, partitions int32) *producer {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.DefaultProduceTopic(topic), kgo.ProducerLinger(2*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := kadm.NewClient(cl).CreateTopic(ctx, partitions, 1, nil, topic); err != nil {
		t.Fatal(err)
	}
	p := &producer{cancel: cancel, done: make(chan struct{}), acked: map[testcluster.Record]string{}}
	go func() {
		defer close(p.done)
		defer cl.Close()
		for i := 0; ctx.Err() == nil; i++ {
			v := fmt.Sprintf("load-%d", i)
			cl.Produce(ctx, &kgo.Record{Key: []byte(v), Value: []byte(v)}, p.record)
			if i%500 == 499 {
				time.Sleep(5 * time.Millisecond) // about 100k records/s at most: leave CPU to the job
			}
		}
		cl.Flush(context.Background())
	}()
	return p
}

func (p *producer) record(r *kgo.Record, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case err == nil:
		p.acked[testcluster.Record{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset}] = string(r.Value)
	case err != context.Canceled && p.err == nil:
		p.err = err
	}
}

// stop ends production and returns every acknowledged record.
func (p *producer) stop(t *testing.T) map[testcluster.Record]string {
	t.Helper()
	p.cancel()
	<-p.done
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		t.Fatalf("producer: %v", p.err)
	}
	return p.acked
}

// waitGroupProgress waits until the job's consumer group commits offsets
// beyond what it had committed when called: a batch went all the way
// through, so a kill now lands in a later batch.
func waitGroupProgress(t *testing.T, addr, group, topic string) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	total := func() int64 {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		offs, err := adm.FetchOffsets(ctx, group)
		if err != nil {
			return -1
		}
		var n int64
		offs.Each(func(o kadm.OffsetResponse) { n += o.At })
		return n
	}
	before := total()
	deadline := time.Now().Add(30 * time.Second)
	for total() <= before {
		if time.Now().After(deadline) {
			t.Fatalf("group %s made no progress within 30s", group)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
