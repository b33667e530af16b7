package log

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
)

// BenchmarkCompact measures a compaction of a 32 MiB log (uncompressed) of
// 1 KiB values of random words and numbers, over 4096 random keys (8 versions
// each on average, in batches of 16 records, 8 MiB segments), so most
// batches are partly kept and re-encoded. MB/s is the log's size on disk
// over the time Compact takes, files in the page cache; records-MB/s counts
// the records' uncompressed bytes. Each iteration compacts a fresh copy.
func BenchmarkCompact(b *testing.B) {
	for _, codec := range []kgo.CompressionCodec{kgo.NoCompression(), kgo.Lz4Compression(), kgo.ZstdCompression()} {
		name := map[kgo.CompressionCodec]string{kgo.NoCompression(): "none", kgo.Lz4Compression(): "lz4", kgo.ZstdCompression(): "zstd"}[codec]
		b.Run("codec="+name, func(b *testing.B) {
			template, size := compactBenchLog(b, codec)
			b.SetBytes(size)
			b.ReportAllocs()
			b.ResetTimer()
			var cpu, kept int64
			for range b.N {
				b.StopTimer()
				dir := copyDir(b, template)
				l := mustOpen(b, dir, compactCfg(8<<20))
				start := processCPU()
				b.StartTimer()
				st, err := l.Compact()
				b.StopTimer()
				cpu += int64(processCPU() - start)
				if err != nil {
					b.Fatal(err)
				}
				kept = st.RecordsKept
				l.Close()
				os.RemoveAll(dir)
				b.StartTimer()
			}
			b.ReportMetric(float64(kept), "records-kept")
			b.ReportMetric(float64(size)/1e6, "log-MB")
			b.ReportMetric(float64(32<<20)*float64(b.N)/1e6/b.Elapsed().Seconds(), "records-MB/s")
			if cpu > 0 {
				b.ReportMetric(float64(cpu)/1e9/(float64(size)*float64(b.N)/1e9), "cpu-s/GB")
			}
		})
	}
}

// compactBenchLog builds the benchmark's log once per codec and returns
// its folder and size.
func compactBenchLog(b *testing.B, codec kgo.CompressionCodec) (string, int64) {
	b.Helper()
	dir := b.TempDir()
	l := mustOpen(b, dir, compactCfg(8<<20))
	rng := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields("click view cart order page user session item price search home promo mobile desktop " +
		"checkout login logout banner video share like comment follow feed news sport music movie game")
	const keys, versions, perBatch = 4096, 8, 16
	var value []byte
	for range keys * versions / perBatch {
		recs := make([]kv, perBatch)
		for i := range recs {
			// About 1 KiB of random words and numbers, as JSON payloads are.
			value = value[:0]
			for len(value) < 1000 {
				value = append(value, words[rng.IntN(len(words))]...)
				value = strconv.AppendInt(append(value, '='), int64(rng.IntN(100000)), 10)
				value = append(value, ' ')
			}
			recs[i] = put(fmt.Sprintf("key-%06d", rng.IntN(keys)), string(value))
		}
		appendKV(b, l, kvs(recs...).compressed(codec))
	}
	if err := l.roll(l.LogEndOffset(), l.nowMs()); err != nil {
		b.Fatal(err)
	}
	size := l.Size()
	if err := l.Close(); err != nil {
		b.Fatal(err)
	}
	return dir, size
}

// copyDir copies a partition folder to a new temporary folder.
func copyDir(b *testing.B, src string) string {
	b.Helper()
	dst, err := os.MkdirTemp("", "spate-compact-bench")
	if err != nil {
		b.Fatal(err)
	}
	ents, err := os.ReadDir(src)
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range ents {
		in, err := os.Open(filepath.Join(src, e.Name()))
		if err != nil {
			b.Fatal(err)
		}
		out, err := os.Create(filepath.Join(dst, e.Name()))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(out, in); err != nil {
			b.Fatal(err)
		}
		in.Close()
		out.Close()
	}
	return dst
}
