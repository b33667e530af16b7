package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/engine/batch"
	"github.com/spate-io/spate/sink/parquet"
	"github.com/spate-io/spate/source/kafka"
)

// BenchmarkLatency measures how long a record takes from its produce call
// to being listed in the Parquet sink's manifest, with the etl query on
// ProcessingTime(0) and 50k records/s produced, and reports p50 and p99.
func BenchmarkLatency(b *testing.B) {
	bb := sharedBenchBroker(b)
	const rate, seconds = 50_000, 10
	for i := 0; i < b.N; i++ {
		topic := fmt.Sprintf("latency-%d-%d", time.Now().UnixNano(), i)
		lat := measureLatency(b, bb.addr, topic, rate, seconds*time.Second)
		slices.Sort(lat)
		b.ReportMetric(float64(len(lat)), "records")
		b.ReportMetric(msAt(lat, 0.50), "p50-ms")
		b.ReportMetric(msAt(lat, 0.99), "p99-ms")
		b.ReportMetric(msAt(lat, 1), "max-ms")
	}
}

func msAt(sorted []time.Duration, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := min(int(q*float64(len(sorted))), len(sorted)-1)
	return float64(sorted[i]) / float64(time.Millisecond)
}

// sendTimes remembers when each acknowledged record was produced.
type sendTimes struct {
	mu sync.Mutex
	at map[int32]map[int64]time.Time
}

func (s *sendTimes) add(r *kgo.Record) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.at[r.Partition]
	if m == nil {
		m = map[int64]time.Time{}
		s.at[r.Partition] = m
	}
	m[r.Offset] = r.Timestamp
}

func measureLatency(b *testing.B, addr, topic string, rate int, d time.Duration) []time.Duration {
	b.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.DefaultProduceTopic(topic), kgo.ProducerLinger(0))
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), d+time.Minute)
	defer cancel()
	if _, err := kadm.NewClient(cl).CreateTopic(ctx, 6, 1, nil, topic); err != nil {
		b.Fatal(err)
	}
	sent := &sendTimes{at: map[int32]map[int64]time.Time{}}
	var mu sync.Mutex
	var lat []time.Duration
	onProgress := func(p engine.Progress) {
		now := time.Now()
		mu.Lock()
		defer mu.Unlock()
		lat = append(lat, sent.latencies(p.Sources[0].StartOffset, p.Sources[0].EndOffset, now)...)
	}
	dir := b.TempDir()
	src := kafka.Subscribe(topic).Brokers(addr).StartingOffsets(kafka.Earliest)
	w := engine.NewSession("latency").ReadStream(src).
		Select(engine.Col("topic"), engine.Col("partition"), engine.Col("offset"), engine.Col("timestamp"), engine.Col("key"), engine.Col("value")).
		WriteStream(parquet.Sink(filepath.Join(dir, "out"))).Checkpoint(filepath.Join(dir, "ckpt")).Trigger(engine.ProcessingTime(0))
	pq, err := w.Plan()
	if err != nil {
		b.Fatal(err)
	}
	q, err := engine.RunQuery(ctx, pq, engine.RunOptions{OnProgress: onProgress})
	if err != nil {
		b.Fatal(err)
	}
	defer q.Stop()
	value := make([]byte, 200)
	start := time.Now()
	for i := 0; time.Since(start) < d; i++ {
		due := start.Add(time.Duration(i) * time.Second / time.Duration(rate))
		if wait := time.Until(due); wait > 0 {
			time.Sleep(wait)
		}
		cl.Produce(ctx, &kgo.Record{Value: value, Timestamp: time.Now()}, func(r *kgo.Record, err error) {
			if err == nil {
				sent.add(r)
			}
		})
	}
	if err := cl.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	if err := q.ProcessAllAvailable(ctx); err != nil {
		b.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	return lat
}

// latencies are now minus the send time of every record in [start, end).
func (s *sendTimes) latencies(start, end batch.Offsets, now time.Time) []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []time.Duration
	for _, tp := range end.Partitions() {
		from, _ := start.Get(tp.Topic, tp.Partition)
		until, _ := end.Get(tp.Topic, tp.Partition)
		for o := from; o < until; o++ {
			if t, ok := s.at[tp.Partition][o]; ok {
				out = append(out, now.Sub(t))
			}
		}
	}
	return out
}
