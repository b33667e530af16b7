package log

import (
	"fmt"
	"io"
	"testing"
	"time"
)

// benchBatch builds a ~16 KiB uncompressed batch of records of valueSize.
func benchBatch(b *testing.B, valueSize int) []byte {
	n := max(16<<10/(valueSize+20), 1)
	return makeBatch(b, plain(n, valueSize, 0))
}

// benchConfig bounds the disk a long benchmark uses.
var benchConfig = Config{SegmentBytes: 128 << 20, RetentionBytes: 512 << 20}

// BenchmarkAppend measures Append of ~16 KiB batches to a log on disk
// (page cache, no per-append fsync: the default flush policy).
func BenchmarkAppend(b *testing.B) {
	for _, size := range []int{1024, 100} {
		b.Run(fmt.Sprintf("record=%dB", size), func(b *testing.B) {
			l := mustOpen(b, b.TempDir(), benchConfig, WithLogger(discardLogger))
			defer l.Close()
			batch := benchBatch(b, size)
			b.SetBytes(int64(len(batch)))
			b.ReportAllocs()
			b.ResetTimer()
			cpu := processCPU()
			defer func() { reportCPUPerGB(b, processCPU()-cpu, int64(b.N)*int64(len(batch))) }()
			for i := range b.N {
				if _, err := l.Append(batch, AppendOptions{LeaderEpoch: 1}); err != nil {
					b.Fatal(err)
				}
				if i%4096 == 4095 {
					if _, err := l.Maintain(); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkRead measures reading the log from start to end in 1 MiB reads,
// copied into a buffer (the bytes path) and as file ranges written to a
// discard writer (the sendfile path's bookkeeping without a socket).
func BenchmarkRead(b *testing.B) {
	l := mustOpen(b, b.TempDir(), benchConfig, WithLogger(discardLogger))
	defer l.Close()
	batch := benchBatch(b, 1024)
	const total = 64 << 20
	for range total / len(batch) {
		if _, err := l.Append(batch, AppendOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	end := l.LogEndOffset()
	for _, mode := range []string{"bytes", "ranges"} {
		b.Run(mode, func(b *testing.B) {
			buf := make([]byte, 0, 2<<20)
			b.ReportAllocs()
			b.ResetTimer()
			var n int64
			off := int64(0)
			cpu := processCPU()
			for range b.N {
				if off >= end {
					off = 0
				}
				r, err := l.Read(off, 1<<20)
				if err != nil {
					b.Fatal(err)
				}
				if mode == "bytes" {
					if buf, err = r.AppendTo(buf[:0]); err != nil {
						b.Fatal(err)
					}
				}
				n += r.Size
				off = nextOffsetAfter(b, r)
				r.Close()
			}
			b.SetBytes(n / int64(b.N))
			reportCPUPerGB(b, processCPU()-cpu, n)
		})
	}
}

// reportCPUPerGB reports the process CPU seconds spent per GB moved.
func reportCPUPerGB(b *testing.B, cpu time.Duration, bytes int64) {
	if cpu > 0 && bytes > 0 {
		b.ReportMetric(cpu.Seconds()/(float64(bytes)/1e9), "cpu-s/GB")
	}
}

// nextOffsetAfter reads the last batch header of a result.
func nextOffsetAfter(b *testing.B, r *ReadResult) int64 {
	last := r.Ranges[len(r.Ranges)-1]
	// Walk the headers of the last range to find its end offset.
	var hdr [batchHeaderSize]byte
	pos := last.Pos
	next := int64(0)
	for pos < last.Pos+last.Len {
		if _, err := last.File.ReadAt(hdr[:], pos); err != nil && err != io.EOF {
			b.Fatal(err)
		}
		h, err := ParseBatchHeader(hdr[:])
		if err != nil {
			b.Fatal(err)
		}
		next = h.NextOffset()
		pos += int64(h.Size())
	}
	return next
}
