package broker_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/spate-io/spate/broker"
	"github.com/spate-io/spate/broker/brokertest"
	"github.com/spate-io/spate/internal/testutil"
)

// fastRetention makes every segment roll after 20ms and expire after 50ms,
// checked every 10ms.
func fastRetention(dir string) func(*broker.Config) {
	return func(c *broker.Config) {
		c.DataDir = dir
		c.SegmentAge = 20 * time.Millisecond
		c.RetentionAge = 50 * time.Millisecond
		c.RetentionCheckInterval = 10 * time.Millisecond
		c.OffsetsTopicPartitions = 1
	}
}

// TestQuietGroupOffsetsOutliveRetention commits a group's offsets once, then
// lets time retention delete old segments of every delete-policy topic: the
// compacted __consumer_offsets keeps the quiet group's offsets, also after
// a restart.
func TestQuietGroupOffsetsOutliveRetention(t *testing.T) {
	dir := t.TempDir()
	b := brokertest.StartBroker(t, fastRetention(dir))
	cl := newClient(t, b.Addr(), kgo.DefaultProduceTopic("t"), kgo.AllowAutoTopicCreation())
	adm := kadm.NewClient(cl)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := cl.ProduceSync(ctx, &kgo.Record{Value: []byte("x")}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	quiet := kadm.Offsets{}
	quiet.Add(kadm.Offset{Topic: "t", Partition: 0, At: 1, LeaderEpoch: -1})
	if err := commit(ctx, adm, "quiet", quiet); err != nil {
		t.Fatal(err)
	}
	offsetsDir := filepath.Join(dir, "logs", "__consumer_offsets-0")
	// Keep writing until the offsets log has rolled past the quiet commit
	// and retention has deleted old segments of the delete-policy topic.
	testutil.WaitFor(t, 20*time.Second, 20*time.Millisecond, func() error {
		if err := cl.ProduceSync(ctx, &kgo.Record{Value: []byte("y")}).FirstErr(); err != nil {
			return err
		}
		busy := kadm.Offsets{}
		busy.Add(kadm.Offset{Topic: "t", Partition: 0, At: 2, LeaderEpoch: -1})
		if err := commit(ctx, adm, "busy", busy); err != nil {
			return err
		}
		starts, err := adm.ListStartOffsets(ctx, "t")
		if err != nil {
			return err
		}
		s, _ := starts.Lookup("t", 0)
		if s.Offset < 2 || segments(t, offsetsDir) < 2 {
			return fmt.Errorf("t starts at %d, %d offsets segments", s.Offset, segments(t, offsetsDir))
		}
		return nil
	})
	check := func(when string, adm *kadm.Client) {
		got, err := adm.FetchOffsets(ctx, "quiet")
		if err != nil {
			t.Fatal(err)
		}
		if o, ok := got.Lookup("t", 0); !ok || o.At != 1 {
			t.Fatalf("%s: quiet group's offset %+v (found %v), want 1: retention must not delete a compacted topic's last value per key", when, o, ok)
		}
	}
	check("after retention ran", adm)

	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	b2 := brokertest.StartBroker(t, fastRetention(dir), func(c *broker.Config) { c.Listen = b.Addr() })
	cl2 := newClient(t, b2.Addr())
	check("after a restart", kadm.NewClient(cl2))
}

func commit(ctx context.Context, adm *kadm.Client, group string, offs kadm.Offsets) error {
	resp, err := adm.CommitOffsets(ctx, group, offs)
	if err != nil {
		return err
	}
	return resp.Error()
}

func segments(t *testing.T, dir string) int {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".log") {
			n++
		}
	}
	return n
}

// TestCompactedTopicKeepsTheLatestValuePerKey writes many values for few
// keys to a cleanup.policy=compact topic and waits for the cleaner: a
// consumer from the start then reads fewer records, and the last value of
// every key is the last one written.
func TestCompactedTopicKeepsTheLatestValuePerKey(t *testing.T) {
	b := brokertest.StartBroker(t, fastRetention(t.TempDir()))
	cl := newClient(t, b.Addr(), kgo.DefaultProduceTopic("kv"))
	adm := kadm.NewClient(cl)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	compact := "compact"
	if _, err := adm.CreateTopic(ctx, 1, 1, map[string]*string{"cleanup.policy": &compact}, "kv"); err != nil {
		t.Fatal(err)
	}
	written, last := 0, map[string]string{}
	produce := func() error {
		for i := 0; i < 50; i++ {
			k, v := fmt.Sprintf("k%d", i%5), fmt.Sprintf("v%d", written)
			if err := cl.ProduceSync(ctx, &kgo.Record{Key: []byte(k), Value: []byte(v)}).FirstErr(); err != nil {
				return err
			}
			last[k] = v
			written++
		}
		return nil
	}
	testutil.WaitFor(t, 20*time.Second, 20*time.Millisecond, func() error {
		if err := produce(); err != nil { // new segments roll and make the log dirty
			return err
		}
		got := readAll(t, b.Addr(), "kv")
		if len(got) >= written/2 {
			return fmt.Errorf("%d records of %d written: not compacted yet", len(got), written)
		}
		final := map[string]string{}
		for _, r := range got {
			final[string(r.Key)] = string(r.Value)
		}
		for k, v := range last {
			if final[k] != v {
				t.Fatalf("key %s reads %q after compaction, want the latest %q", k, final[k], v)
			}
		}
		return nil
	})
}

// readAll reads a one-partition topic from the start to its end.
func readAll(t *testing.T, addr, topic string) []*kgo.Record {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: {0: kgo.NewOffset().AtStart()}}))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ends, err := kadm.NewClient(cl).ListEndOffsets(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	end, _ := ends.Lookup(topic, 0)
	var out []*kgo.Record
	for len(out) == 0 || out[len(out)-1].Offset < end.Offset-1 {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("reading %s: reached %d of %d before the deadline", topic, len(out), end.Offset)
		}
		out = append(out, fs.Records()...)
	}
	return out
}
