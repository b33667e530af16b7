package broker_test

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/spate-io/spate/broker/brokertest"
	"github.com/spate-io/spate/internal/testutil"
	"github.com/twmb/franz-go/pkg/kadm"
)

// kcat runs librdkafka's kcat against addr and returns its stdout.
func kcat(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	path, err := exec.LookPath("kcat")
	if err != nil {
		t.Skip("kcat is not installed (Debian package kcat; .ci/run installs it)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("kcat %v: %v\n%s", args, err, errb.String())
	}
	return out.String()
}

func TestKcatMetadataProduceConsume(t *testing.T) {
	if _, err := exec.LookPath("kcat"); err != nil {
		t.Skip("kcat is not installed (Debian package kcat; .ci/run installs it)")
	}
	addr := brokertest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	adm := kadm.NewClient(newClient(t, addr))
	if _, err := adm.CreateTopic(ctx, 3, 1, nil, "kc"); err != nil {
		t.Fatal(err)
	}

	meta := kcat(t, "", "-b", addr, "-L")
	if !strings.Contains(meta, `topic "kc" with 3 partitions`) || !strings.Contains(meta, "broker 1 at "+addr) {
		t.Fatalf("kcat -L:\n%s", meta)
	}

	var lines []string
	for i := 0; i < 300; i++ {
		lines = append(lines, fmt.Sprintf("k%d:v%d", i%7, i))
	}
	kcat(t, strings.Join(lines, "\n")+"\n", "-b", addr, "-P", "-t", "kc", "-K:",
		"-X", "enable.idempotence=true", "-X", "compression.codec=zstd", "-X", "acks=all")

	got := kcat(t, "", "-b", addr, "-C", "-t", "kc", "-o", "beginning", "-e", "-f", "%k:%s\n")
	if n := strings.Count(got, "\n"); n != 300 {
		t.Fatalf("kcat -C read %d records, want 300:\n%.500s", n, got)
	}

	// The librdkafka group consumer: joins, consumes, commits.
	grp := kcat(t, "", "-b", addr, "-G", "kcat-group", "kc", "-o", "beginning", "-e", "-f", "%s\n",
		"-X", "auto.commit.interval.ms=100")
	if n := strings.Count(grp, "\n"); n != 300 {
		t.Fatalf("kcat -G read %d records, want 300", n)
	}
	testutil.WaitFor(t, 10*time.Second, 50*time.Millisecond, func() error {
		offs, err := adm.FetchOffsets(ctx, "kcat-group")
		if err != nil {
			return err
		}
		var sum int64
		offs.Each(func(o kadm.OffsetResponse) { sum += o.At })
		if sum != 300 {
			return fmt.Errorf("committed offsets sum to %d, want 300", sum)
		}
		return nil
	})
}
