package testcluster

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Load produces records to a topic at a steady rate until stopped: the
// "under load" of the failure tests.
type Load struct {
	cancel context.CancelFunc
	done   chan struct{}
	acked  atomic.Int64
	mu     sync.Mutex
	err    error
}

// StartLoad produces about perSecond records a second with values
// "load-<i>", round-robin over the topic's partitions, in small batches.
func StartLoad(t testing.TB, brokers, topic string, perSecond int) *Load {
	t.Helper()
	cl := client(t, brokers, kgo.DefaultProduceTopic(topic), kgo.RecordPartitioner(kgo.RoundRobinPartitioner()), kgo.ProducerLinger(5*time.Millisecond))
	ctx, cancel := context.WithCancel(context.Background())
	l := &Load{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(l.done)
		defer cl.Close()
		l.run(ctx, cl, perSecond)
	}()
	t.Cleanup(func() { l.Stop(t) })
	return l
}

func (l *Load) run(ctx context.Context, cl *kgo.Client, perSecond int) {
	const tick = 10 * time.Millisecond
	perTick := max(1, perSecond/int(time.Second/tick))
	t := time.NewTicker(tick)
	defer t.Stop()
	i := 0
	for {
		select {
		case <-ctx.Done():
			if err := cl.Flush(context.Background()); err != nil {
				l.fail(err)
			}
			return
		case <-t.C:
		}
		for range perTick {
			cl.Produce(ctx, &kgo.Record{Value: fmt.Appendf(nil, "load-%d", i)}, func(_ *kgo.Record, err error) {
				if err != nil && ctx.Err() == nil {
					l.fail(err)
					return
				}
				if err == nil {
					l.acked.Add(1)
				}
			})
			i++
		}
	}
}

func (l *Load) fail(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err == nil {
		l.err = err
	}
}

// Acked is how many records the broker acknowledged so far.
func (l *Load) Acked() int64 { return l.acked.Load() }

// Stop ends the load, waits for the records in flight and returns how
// many were acknowledged. A produce error fails the test.
func (l *Load) Stop(t testing.TB) int64 {
	t.Helper()
	l.cancel()
	<-l.done
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		t.Fatalf("testcluster: producing the load: %v", l.err)
	}
	return l.acked.Load()
}
