package broker_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// BenchmarkReplication runs 3 `spate broker` processes on this machine and
// measures, in one run:
//   - produce throughput and p99 produce latency (a record's Produce call to
//     its acknowledgement, as kafka-producer-perf-test reports it) of
//     acks=1 to RF 1 topics against acks=all to RF 3 topics
//     (min.insync.replicas 2), 1 KiB values over 3 partitions, with the
//     CPU seconds the 3 brokers spent per GiB;
//   - failover: the time from SIGKILL of a partition's leader to the first
//     acknowledged acks=all write sent after it, with the default timing
//     and with --timing fast, each with kgo's default client settings and
//     with a client that refreshes metadata quickly.
func BenchmarkReplication(b *testing.B) {
	b.Run("throughput", func(b *testing.B) {
		c := startProcCluster(b, 3)
		adm := c.admin()
		for _, tc := range []struct {
			name string
			rf   int16
			acks kgo.Acks
		}{{"acks=1/rf=1", 1, kgo.LeaderAck()}, {"acks=all/rf=3", 3, kgo.AllISRAcks()}} {
			b.Run(tc.name, func(b *testing.B) {
				benchRuns++
				topic := fmt.Sprintf("bench-rf%d-%d", tc.rf, benchRuns)
				two := "2"
				cfg := map[string]*string{}
				if tc.rf == 3 {
					cfg["min.insync.replicas"] = &two
				}
				if _, err := adm.CreateTopic(context.Background(), 3, tc.rf, cfg, topic); err != nil {
					b.Fatal(err)
				}
				cpu0 := c.cpu(b)
				benchProduce(b, c.addrs(), topic, tc.acks)
				b.ReportMetric((c.cpu(b)-cpu0)/(benchTotal/float64(1<<30)), "brokers-cpu-s/GB")
			})
		}
	})
	for _, timing := range []string{"default", "fast"} {
		for _, client := range []string{"kgo-defaults", "metadata-min-age-100ms"} {
			b.Run(fmt.Sprintf("failover/timing=%s/client=%s", timing, client), func(b *testing.B) {
				benchFailover(b, timing, client == "kgo-defaults")
			})
		}
	}
}

const benchValueSize = 1024

// benchTotal is how many bytes of values a throughput case writes.
const benchTotal = 1 << 30

// benchRuns numbers the topics of repeated runs (-count).
var benchRuns int

// benchProduce writes 1 GiB of 1 KiB values and reports MB/s and the
// p50/p99 latency.
func benchProduce(b *testing.B, addrs []string, topic string, acks kgo.Acks) {
	const total = benchTotal
	// Uncompressed, so the bytes measured are the bytes moved.
	opts := []kgo.Opt{kgo.SeedBrokers(addrs...), kgo.DefaultProduceTopic(topic), kgo.RequiredAcks(acks), kgo.ProducerBatchMaxBytes(1 << 20),
		kgo.ProducerBatchCompression(kgo.NoCompression())}
	if acks != kgo.AllISRAcks() {
		opts = append(opts, kgo.DisableIdempotentWrite())
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	ctx := context.Background()
	value := make([]byte, benchValueSize)
	rand.Read(value)
	// Warm up: metadata, connections, producer id.
	if err := cl.ProduceSync(ctx, &kgo.Record{Value: value}).FirstErr(); err != nil {
		b.Fatal(err)
	}
	n := total / benchValueSize
	lat := make([]time.Duration, n)
	var wg sync.WaitGroup
	var failed error
	var mu sync.Mutex
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < n; i++ {
		i, sent := i, time.Now()
		wg.Add(1)
		cl.Produce(ctx, &kgo.Record{Value: value}, func(_ *kgo.Record, err error) {
			lat[i] = time.Since(sent)
			if err != nil {
				mu.Lock()
				failed = err
				mu.Unlock()
			}
			wg.Done()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if failed != nil {
		b.Fatal(failed)
	}
	slices.Sort(lat)
	b.ReportMetric(float64(total)/(1<<20)/elapsed.Seconds(), "MB/s")
	b.ReportMetric(float64(n)/elapsed.Seconds(), "records/s")
	b.ReportMetric(float64(lat[n/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[n*99/100].Microseconds())/1000, "p99-ms")
}

// benchFailover kills the leader of a partition a few times while a client
// writes with acks=all, one record at a time, and reports the time from
// each SIGKILL to the first acknowledged write sent after it.
func benchFailover(b *testing.B, timing string, clientDefaults bool) {
	const kills = 3
	c := startProcCluster(b, 3, "--timing", timing)
	adm := c.admin()
	createReplicated(b, adm, "failover", 1)
	opts := []kgo.Opt{kgo.SeedBrokers(c.addrs()...), kgo.DefaultProduceTopic("failover"), kgo.RequiredAcks(kgo.AllISRAcks())}
	if !clientDefaults {
		opts = append(opts, kgo.MetadataMinAge(100*time.Millisecond), kgo.RetryBackoffFn(func(int) time.Duration { return 20 * time.Millisecond }))
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var times []time.Duration
	b.ResetTimer()
	for k := 0; k < kills; k++ {
		waitFullISR(b, adm, "failover")
		if err := cl.ProduceSync(ctx, kgo.StringRecord("before")).FirstErr(); err != nil {
			b.Fatal(err)
		}
		victim := leaderOf(b, adm, "failover", 0)
		killed := time.Now()
		c.kill(victim)
		for {
			if err := cl.ProduceSync(ctx, kgo.StringRecord("after")).FirstErr(); err == nil {
				break
			} else if ctx.Err() != nil {
				b.Fatal(err)
			}
		}
		times = append(times, time.Since(killed))
		c.restart(victim)
	}
	b.StopTimer()
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Milliseconds()), "median-ms")
	b.ReportMetric(float64(times[len(times)-1].Milliseconds()), "max-ms")
	b.Logf("leader death to first acks=all write: %v", times)
}
