package broker_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/spate-io/spate/internal/testutil"
)

// BenchmarkBrokerVsKfake produces and consumes the same records with the
// same kgo settings against spate's broker and franz-go's kfake, each in
// its own process, and reports MB/s, records/s and the server's CPU
// seconds per GB (from /proc/<pid>/stat) as custom metrics. Run it with
// `make bench` (-benchtime 1x); every case moves benchBytes of values.
func BenchmarkBrokerVsKfake(b *testing.B) {
	const benchBytes = 256 << 20
	for _, server := range []string{"spate", "kfake"} {
		for _, size := range []int{1024, 100} {
			for _, parts := range []int{1, 6} {
				for _, acks := range []string{"1", "all"} {
					name := fmt.Sprintf("%s/value=%d/partitions=%d/acks=%s", server, size, parts, acks)
					b.Run(name, func(b *testing.B) {
						addr, pid := startPeer(b, server)
						benchProduceConsume(b, addr, pid, size, parts, acks, benchBytes/size)
					})
				}
			}
		}
	}
}

func benchProduceConsume(b *testing.B, addr string, pid, size, parts int, acks string, n int) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	topic := "bench"
	adm := kadm.NewClient(newClient(b, addr))
	if _, err := adm.CreateTopic(ctx, int32(parts), 1, nil, topic); err != nil {
		b.Fatal(err)
	}
	// Uncompressed random values: the bytes measured are the bytes moved
	// (kgo compresses with snappy by default).
	opts := []kgo.Opt{kgo.DefaultProduceTopic(topic), kgo.ProducerLinger(0), kgo.MaxBufferedRecords(1 << 20),
		kgo.ProducerBatchMaxBytes(1 << 20), kgo.RecordPartitioner(kgo.RoundRobinPartitioner()),
		kgo.ProducerBatchCompression(kgo.NoCompression())}
	if acks == "1" {
		opts = append(opts, kgo.RequiredAcks(kgo.LeaderAck()), kgo.DisableIdempotentWrite())
	}
	p := newClient(b, addr, opts...)
	value := make([]byte, size)
	rand.Read(value)
	b.ResetTimer()
	cpu0, start := procCPU(b, pid), time.Now()
	var wg sync.WaitGroup
	wg.Add(n)
	for i := 0; i < n; i++ {
		p.Produce(ctx, &kgo.Record{Value: value}, func(_ *kgo.Record, err error) {
			if err != nil {
				b.Error(err)
			}
			wg.Done()
		})
	}
	wg.Wait()
	report(b, "produce", n, size, time.Since(start), procCPU(b, pid)-cpu0)

	c := newClient(b, addr, kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchMaxBytes(64<<20), kgo.FetchMaxPartitionBytes(16<<20))
	cpu0, start = procCPU(b, pid), time.Now()
	for got := 0; got < n; {
		fs := c.PollFetches(ctx)
		if err := fs.Err0(); err != nil {
			b.Fatal(err)
		}
		got += fs.NumRecords()
	}
	report(b, "consume", n, size, time.Since(start), procCPU(b, pid)-cpu0)
}

func report(b *testing.B, phase string, n, size int, d time.Duration, cpu float64) {
	mb := float64(n*size) / (1 << 20)
	b.ReportMetric(mb/d.Seconds(), phase+"-MB/s")
	b.ReportMetric(float64(n)/d.Seconds(), phase+"-rec/s")
	b.ReportMetric(cpu/(mb/1024), phase+"-server-cpu-s/GB")
}

// procCPU is the user+system CPU seconds of process pid so far.
func procCPU(b *testing.B, pid int) float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatalf("reading the server's CPU time: %v", err)
	}
	// Fields after the command name (which may hold spaces) start at ')'.
	f := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+2:]))
	utime, _ := strconv.ParseFloat(f[11], 64)
	stime, _ := strconv.ParseFloat(f[12], 64)
	return (utime + stime) / 100 // USER_HZ is 100 on Linux
}

var (
	kfakeOnce sync.Once
	kfakeBin  string
	kfakeErr  error
)

// startPeer starts a fresh server process and returns its address and pid.
func startPeer(b *testing.B, server string) (string, int) {
	b.Helper()
	if server == "spate" {
		addr := testutil.FreeAddr(b)
		cmd := exec.Command(spateBinary(b), "broker", "--data", b.TempDir(), "--listen", addr)
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		testutil.WaitFor(b, 20*time.Second, 20*time.Millisecond, func() error { return dialOnce(addr) })
		return addr, cmd.Process.Pid
	}
	kfakeOnce.Do(func() {
		dir, err := os.MkdirTemp("", "kfake-bin-")
		if err == nil {
			kfakeBin = filepath.Join(dir, "kfakeserver")
			var out []byte
			out, err = exec.Command("go", "build", "-o", kfakeBin, "github.com/spate-io/spate/internal/kfakeserver").CombinedOutput()
			if err != nil {
				err = fmt.Errorf("building kfakeserver: %v\n%s", err, out)
			}
		}
		kfakeErr = err
	})
	if kfakeErr != nil {
		b.Fatal(kfakeErr)
	}
	cmd := exec.Command(kfakeBin)
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		b.Fatalf("kfakeserver did not print its address: %v", err)
	}
	return strings.TrimSpace(line), cmd.Process.Pid
}
