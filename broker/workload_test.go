package broker_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/spate-io/spate/internal/testutil"
)

// workload is an idempotent acks=all producer writing the numbers 0, 1,
// 2, ... as fast as it can (keyed, so they spread over the partitions),
// remembering which were acknowledged.
type workload struct {
	t      testing.TB
	cl     *kgo.Client
	rate   int // records per second, 0: as fast as possible
	cancel context.CancelFunc
	done   chan struct{}

	mu    sync.Mutex
	acked []int8 // value -> its partition+1, 0 while not acknowledged
	n     int    // how many are acknowledged
	per   map[int32]int
	ends  map[int32]int64 // partition -> above the highest acknowledged offset
	errs  int
}

func startWorkload(t testing.TB, addrs []string, topic string, opts ...kgo.Opt) *workload {
	t.Helper()
	return startPacedWorkload(t, addrs, topic, 0, opts...)
}

// startPacedWorkload is startWorkload at about rate records per second.
func startPacedWorkload(t testing.TB, addrs []string, topic string, rate int, opts ...kgo.Opt) *workload {
	t.Helper()
	opts = append([]kgo.Opt{kgo.SeedBrokers(addrs...), kgo.DefaultProduceTopic(topic), kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.MetadataMinAge(100 * time.Millisecond), kgo.RetryBackoffFn(func(int) time.Duration { return 50 * time.Millisecond })}, opts...)
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	w := &workload{t: t, cl: cl, rate: rate, cancel: cancel, done: make(chan struct{}), per: map[int32]int{}, ends: map[int32]int64{}}
	go w.run(ctx)
	t.Cleanup(w.stop)
	return w
}

func (w *workload) run(ctx context.Context) {
	defer close(w.done)
	start := time.Now()
	for i := 0; ctx.Err() == nil; i++ {
		if w.rate > 0 && i%100 == 0 {
			if ahead := time.Duration(i)*time.Second/time.Duration(w.rate) - time.Since(start); ahead > 0 {
				select {
				case <-time.After(ahead):
				case <-ctx.Done():
				}
			}
		}
		v := i
		w.cl.Produce(ctx, &kgo.Record{Key: []byte(strconv.Itoa(v % 97)), Value: []byte(strconv.Itoa(v))}, func(r *kgo.Record, err error) {
			w.mu.Lock()
			defer w.mu.Unlock()
			if err != nil {
				w.errs++
				return
			}
			for len(w.acked) <= v {
				w.acked = append(w.acked, 0)
			}
			w.acked[v] = int8(r.Partition + 1)
			w.n++
			w.per[r.Partition]++
			w.ends[r.Partition] = max(w.ends[r.Partition], r.Offset+1)
		})
	}
}

// stop ends production; records not acknowledged by then are failed.
func (w *workload) stop() {
	w.cancel()
	<-w.done
	w.cl.Close()
}

func (w *workload) numAcked() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n
}

// waitAcked waits until n more records than now are acknowledged.
func (w *workload) waitAcked(n int, timeout time.Duration) {
	w.t.Helper()
	want := w.numAcked() + n
	testutil.WaitFor(w.t, timeout, 10*time.Millisecond, func() error {
		if got := w.numAcked(); got < want {
			return fmt.Errorf("%d of %d records acknowledged", got, want)
		}
		return nil
	})
}

// waitAckedOn waits until n more records than now are acknowledged on
// partition p.
func (w *workload) waitAckedOn(p int32, n int, timeout time.Duration) {
	w.t.Helper()
	w.mu.Lock()
	want := w.per[p] + n
	w.mu.Unlock()
	testutil.WaitFor(w.t, timeout, 10*time.Millisecond, func() error {
		w.mu.Lock()
		defer w.mu.Unlock()
		if got := w.per[p]; got < want {
			return fmt.Errorf("%d of %d records acknowledged on partition %d", got, want, p)
		}
		return nil
	})
}

// acks is what a workload had acknowledged when it stopped.
type acks struct {
	values []int8          // value -> its partition+1, 0 while not acknowledged
	ends   map[int32]int64 // partition -> above its highest acknowledged offset
}

func (w *workload) ackedSnapshot() acks {
	w.mu.Lock()
	defer w.mu.Unlock()
	ends := map[int32]int64{}
	for p, e := range w.ends {
		ends[p] = e
	}
	return acks{append([]int8(nil), w.acked...), ends}
}

// verifyAcked waits until every partition's end offset (its high
// watermark) covers what was acknowledged, reads topic from the start to
// those ends and checks that every acknowledged value is there exactly
// once, in its partition, that no value is there twice, and that each
// partition holds its values in increasing order (the order they were
// produced in).
func verifyAcked(t testing.TB, addrs []string, topic string, a acks) int64 {
	acked := a.values
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	c := newClient(t, addrs[0], kgo.SeedBrokers(addrs...), kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxWait(200*time.Millisecond))
	var ends kadm.ListedOffsets
	testutil.WaitFor(t, 60*time.Second, 100*time.Millisecond, func() error {
		var err error
		ends, err = kadm.NewClient(c).ListEndOffsets(ctx, topic)
		if err == nil {
			err = ends.Error()
		}
		if err != nil {
			return err
		}
		for p, want := range a.ends {
			if o, _ := ends.Lookup(topic, p); o.Offset < want {
				return fmt.Errorf("partition %d: end offset %d, acknowledged up to %d", p, o.Offset, want)
			}
		}
		return nil
	})
	var total int64
	ends.Each(func(o kadm.ListedOffset) { total += o.Offset })
	seen := make([]int8, len(acked)) // value -> partition+1 where it was read
	last := map[int32]int{}
	for n := int64(0); n < total; {
		fs := c.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("read %d of %d records: %v", n, total, ctx.Err())
		}
		fs.EachError(func(_ string, p int32, err error) { t.Logf("fetch error on partition %d: %v", p, err) })
		fs.EachRecord(func(r *kgo.Record) {
			n++
			v, err := strconv.Atoi(string(r.Value))
			if err != nil || v < 0 {
				t.Fatalf("partition %d offset %d: value %q is not a number", r.Partition, r.Offset, r.Value)
			}
			for len(seen) <= v {
				seen = append(seen, 0)
			}
			if seen[v] != 0 {
				t.Fatalf("value %d stored twice (partitions %d and %d)", v, seen[v]-1, r.Partition)
			}
			seen[v] = int8(r.Partition + 1)
			if l, ok := last[r.Partition]; ok && v <= l {
				t.Fatalf("partition %d: value %d after %d", r.Partition, v, l)
			}
			last[r.Partition] = v
		})
	}
	n := 0
	for v, p := range acked {
		if p == 0 {
			continue
		}
		n++
		if seen[v] != p {
			t.Fatalf("acknowledged value %d (partition %d) lost (read in partition %d, 0: not read)", v, p-1, seen[v]-1)
		}
	}
	t.Logf("%d acknowledged records all present once and in order among %d stored", n, total)
	return total
}
