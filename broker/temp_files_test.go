package broker_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spate-io/spate/broker"
	"github.com/spate-io/spate/broker/brokertest"
	"github.com/twmb/franz-go/pkg/kgo"
)

// TestStartRemovesTempFilesOfInterruptedWrites plants the temp files a
// crash in the middle of each atomic write would leave (the high
// watermark checkpoint, the metadata of a broker running alone, a
// partition.metadata) and restarts: the broker removes them all, and its
// own writes leave none.
func TestStartRemovesTempFilesOfInterruptedWrites(t *testing.T) {
	cfg := brokertest.Config(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b := brokertest.StartBroker(t, func(c *broker.Config) { *c = cfg })
	p := newClient(t, b.Addr(), kgo.DefaultProduceTopic("t"), kgo.AllowAutoTopicCreation())
	if err := p.ProduceSync(ctx, kgo.StringRecord("r")).FirstErr(); err != nil {
		t.Fatal(err)
	}
	p.Close()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	planted := []string{
		filepath.Join(cfg.DataDir, ".replication-offset-checkpoint.0123456789abcdef.tmp"),
		filepath.Join(cfg.DataDir, "cluster", ".metadata.json.0123456789abcdef.tmp"),
		filepath.Join(cfg.DataDir, "logs", "t-0", ".partition.metadata.0123456789abcdef.tmp"),
	}
	for _, p := range planted {
		if err := os.WriteFile(p, []byte("cut short"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b = brokertest.StartBroker(t, func(c *broker.Config) { *c = cfg })
	if err := b.Close(); err != nil { // writes the checkpoint once more
		t.Fatal(err)
	}
	var temps []string
	err := filepath.WalkDir(cfg.DataDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(d.Name(), ".tmp") {
			temps = append(temps, path)
		}
		return err
	})
	if err != nil || len(temps) > 0 {
		t.Fatalf("temp files left: %v (%v)", temps, err)
	}
	for _, name := range []string{"replication-offset-checkpoint", "cluster/metadata.json", "logs/t-0/partition.metadata"} {
		if _, err := os.Stat(filepath.Join(cfg.DataDir, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
