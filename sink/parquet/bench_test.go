package parquet

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/spate-io/spate/engine"
)

const (
	benchRows      = 1_000_000
	benchRecordLen = 4096 // rows per record, about what one Kafka fetch yields
)

// kafkaRecords builds n Kafka-shaped rows (engine.KafkaSchema: key, a
// ~150-byte JSON value, topic, partition, offset, timestamp) in records
// of benchRecordLen rows, and their size in bytes.
func kafkaRecords(mem memory.Allocator, n int) ([]arrow.RecordBatch, int64) {
	var recs []arrow.RecordBatch
	var size int64
	b := array.NewRecordBuilder(mem, engine.KafkaSchema)
	defer b.Release()
	base := baseTime.UnixMilli()
	for i := 0; i < n; i++ {
		key := []byte(fmt.Sprintf("user-%06d", i*7919%100000))
		value := []byte(fmt.Sprintf(`{"user":"user-%06d","page":"/products/%04d","referrer":"https://example.com/search?q=item%d","amount":%d.%02d,"ts":%d}`,
			i*7919%100000, i%5000, i%977, i%1000, i%100, base+int64(i)))
		b.Field(0).(*array.BinaryBuilder).Append(key)
		b.Field(1).(*array.BinaryBuilder).Append(value)
		b.Field(2).(*array.StringBuilder).Append("clicks")
		b.Field(3).(*array.Int32Builder).Append(int32(i % 6))
		b.Field(4).(*array.Int64Builder).Append(int64(i / 6))
		b.Field(5).(*array.TimestampBuilder).Append(arrow.Timestamp(base + int64(i)))
		b.Field(6).(*array.Int32Builder).Append(engine.KafkaCreateTime)
		size += int64(len(key)+len(value)+len("clicks")) + 4 + 8 + 8 + 4
		if (i+1)%benchRecordLen == 0 || i == n-1 {
			recs = append(recs, b.NewRecordBatch())
		}
	}
	return recs, size
}

// cpuTime is the CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkWriteTask writes one task of 1M Kafka-shaped rows through the
// sink, next to a bare pqarrow FileWriter loop over the same records with
// the same settings: the difference is the sink's overhead (re-cutting
// into chunks, temp file, intent record, rename, fsyncs).
func BenchmarkWriteTask(b *testing.B) {
	mem := memory.NewGoAllocator()
	recs, size := kafkaRecords(mem, benchRows)
	defer releaseAll(recs)
	for _, codec := range []string{"snappy", "zstd"} {
		b.Run("sink/"+codec, func(b *testing.B) {
			dir := b.TempDir()
			s := Sink(dir).Compression(codec).Dictionary("topic")
			measure(b, size, func(i int) int64 {
				w, err := s.NewTaskWriter(context.Background(), engine.TaskInfo{BatchID: int64(i)}, engine.KafkaSchema)
				if err != nil {
					b.Fatal(err)
				}
				for _, r := range recs {
					if err := w.Write(context.Background(), r); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := w.Commit(context.Background()); err != nil {
					b.Fatal(err)
				}
				return fileSize(b, filepath.Join(dir, fileName(int64(i), 0, 0)))
			})
		})
		b.Run("bare-pqarrow/"+codec, func(b *testing.B) {
			dir := b.TempDir()
			o := Options{Compression: codec, Dictionary: []string{"topic"}}
			props, aprops := writerProps(&o, mem)
			measure(b, size, func(i int) int64 {
				return barePqarrow(b, filepath.Join(dir, fmt.Sprintf("%d.parquet", i)), recs, props, aprops)
			})
		})
	}
}

func barePqarrow(b *testing.B, path string, recs []arrow.RecordBatch, props *parquet.WriterProperties, aprops pqarrow.ArrowWriterProperties) int64 {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	buf := bufio.NewWriterSize(f, 1<<20)
	fw, err := pqarrow.NewFileWriter(engine.KafkaSchema, buf, props, aprops)
	if err != nil {
		b.Fatal(err)
	}
	for _, r := range recs {
		if err := fw.WriteBuffered(r); err != nil {
			b.Fatal(err)
		}
	}
	if err := fw.Close(); err != nil {
		b.Fatal(err)
	}
	if err := buf.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	return fileSize(b, path)
}

// measure runs write b.N times and reports input MB/s, rows/s, both per
// CPU second (per core), and the output size.
func measure(b *testing.B, size int64, write func(i int) int64) {
	b.SetBytes(size)
	b.ReportAllocs()
	var out int64
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out = write(i)
	}
	b.StopTimer()
	cpu := (cpuTime() - cpu0).Seconds()
	wall := b.Elapsed().Seconds()
	b.ReportMetric(float64(benchRows*b.N)/wall, "rows/s")
	b.ReportMetric(float64(benchRows*b.N)/cpu, "rows/cpu-s")
	b.ReportMetric(float64(size*int64(b.N))/1e6/cpu, "MB/cpu-s")
	b.ReportMetric(float64(out)/1e6, "file-MB")
}

func fileSize(b *testing.B, path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	return st.Size()
}
