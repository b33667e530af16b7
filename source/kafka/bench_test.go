package kafka

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/spate-io/spate/engine/batch"
)

// BenchmarkReadRange reads 1M records from a 6-partition topic on spate's
// in-process broker into Arrow records, next to a bare kgo consumer that
// fetches the same ranges and does nothing with them. Both read the six
// ranges at once (one Reader, six ReadRange calls; one kgo client, six
// partitions). rec/cpu-s and MB/cpu-s divide by the process's CPU time,
// broker included, so they compare the cost per core.
//
//	go test -run '^$' -bench ReadRange -benchtime 3x ./source/kafka/
func BenchmarkReadRange(b *testing.B) {
	const records, partitions = 1_000_000, 6
	for _, size := range []int{100, 1024} {
		b.Run(fmt.Sprintf("value=%dB", size), func(b *testing.B) {
			k := newTestKafka(b)
			ranges := loadBenchTopic(b, k, "bench", partitions, records, size)
			b.Run("spate", func(b *testing.B) {
				benchRead(b, records, size, func() int64 { return readWithReader(b, k, ranges) })
			})
			b.Run("kgo", func(b *testing.B) {
				benchRead(b, records, size, func() int64 { return readWithKgo(b, k, ranges) })
			})
		})
	}
}

// loadBenchTopic produces n records of size-byte values spread evenly over
// the partitions and returns the range of each partition. Values are
// random letters, uncompressed, so the benchmark measures reading rather
// than a codec.
func loadBenchTopic(b testing.TB, k *testKafka, topic string, partitions, n, size int) []batch.Range {
	b.Helper()
	k.createTopic(b, topic, int32(partitions), nil)
	prod, err := kgo.NewClient(kgo.SeedBrokers(k.addrs...), kgo.RecordPartitioner(kgo.RoundRobinPartitioner()),
		kgo.ProducerLinger(5*time.Millisecond), kgo.ProducerBatchMaxBytes(1<<20), kgo.ProducerBatchCompression(kgo.NoCompression()))
	if err != nil {
		b.Fatal(err)
	}
	defer prod.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	var wg sync.WaitGroup
	var failed error
	var mu sync.Mutex
	for i := range n {
		wg.Add(1)
		value := make([]byte, size)
		for j := range value {
			value[j] = 'a' + byte(rng.IntN(26))
		}
		prod.Produce(context.Background(), &kgo.Record{Topic: topic, Key: fmt.Appendf(nil, "k%d", i), Value: value}, func(_ *kgo.Record, err error) {
			if err != nil {
				mu.Lock()
				failed = err
				mu.Unlock()
			}
			wg.Done()
		})
	}
	wg.Wait()
	if failed != nil {
		b.Fatalf("produce: %v", failed)
	}
	ends, err := k.adm.ListEndOffsets(ctxT(b), topic)
	if err != nil {
		b.Fatal(err)
	}
	var ranges []batch.Range
	var total int64
	for p := range int32(partitions) {
		o, _ := ends.Lookup(topic, p)
		ranges = append(ranges, batch.Range{Topic: topic, Partition: p, From: 0, Until: o.Offset})
		total += o.Offset
	}
	if total != int64(n) {
		b.Fatalf("topic holds %d records, want %d", total, n)
	}
	return ranges
}

// benchRead times read and reports throughput per second and per CPU
// second of the whole process.
func benchRead(b *testing.B, records, size int, read func() int64) {
	read() // warm: connections, the broker's page cache
	cpu0 := cpuTime()
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		if got := read(); got != int64(records) {
			b.Fatalf("read %d records, want %d", got, records)
		}
	}
	wall, cpu := time.Since(start).Seconds(), (cpuTime() - cpu0).Seconds()
	b.StopTimer()
	n := float64(b.N) * float64(records)
	mb := n * float64(size+8) / 1e6 // value and ~8-byte key
	b.ReportMetric(n/wall, "rec/s")
	b.ReportMetric(mb/wall, "MB/s")
	b.ReportMetric(n/cpu, "rec/cpu-s")
	b.ReportMetric(mb/cpu, "MB/cpu-s")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// readWithReader reads every range at once with one Reader into Arrow
// records and returns the rows read.
func readWithReader(b *testing.B, k *testKafka, ranges []batch.Range) int64 {
	r, err := Subscribe(ranges[0].Topic).Brokers(k.addrs...).OpenReaderWithAllocator(ctxT(b), memory.NewGoAllocator())
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		rows int64
	)
	for _, rg := range ranges {
		wg.Go(func() {
			var n int64
			err := r.ReadRange(ctxT(b), rg, func(rec arrow.RecordBatch) error {
				n += rec.NumRows()
				rec.Release()
				return nil
			})
			if err != nil {
				b.Error(err)
			}
			mu.Lock()
			rows += n
			mu.Unlock()
		})
	}
	wg.Wait()
	return rows
}

// readWithKgo consumes the same ranges with a bare kgo direct consumer and
// only counts the records.
func readWithKgo(b *testing.B, k *testKafka, ranges []batch.Range) int64 {
	start := map[string]map[int32]kgo.Offset{ranges[0].Topic: {}}
	left := map[int32]int64{}
	for _, rg := range ranges {
		start[rg.Topic][rg.Partition] = kgo.NewOffset().At(rg.From)
		left[rg.Partition] = rg.Until
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(k.addrs...), kgo.ConsumePartitions(start))
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	var rows int64
	for len(left) > 0 {
		fs := cl.PollFetches(ctxT(b))
		if err := fs.Err0(); err != nil {
			b.Fatal(err)
		}
		fs.EachRecord(func(r *kgo.Record) {
			until, ok := left[r.Partition]
			if !ok || r.Offset >= until {
				return
			}
			rows++
			if r.Offset == until-1 {
				delete(left, r.Partition)
			}
		})
	}
	return rows
}
