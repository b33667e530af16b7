package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/spate-io/spate/internal/testutil"
)

// BenchmarkFailover measures, per timing profile, how long after a crash
// the partitions of a dead broker have new leaders (broker-ms) and how long
// a dead controller takes to be replaced (controller-ms), on a 3-voter
// cluster on loopback. Run: go test -run '^$' -bench Failover -benchtime 1x ./broker/cluster
func BenchmarkFailover(b *testing.B) {
	for _, p := range []struct {
		name   string
		timing Timing
	}{{"default", DefaultTiming()}, {"fast", FastTiming()}} {
		b.Run(p.name, func(b *testing.B) {
			var brokerMs, ctrlMs float64
			for i := 0; i < b.N; i++ {
				bm, cm := measureFailover(b, p.timing)
				brokerMs += bm
				ctrlMs += cm
			}
			b.ReportMetric(brokerMs/float64(b.N), "broker-ms")
			b.ReportMetric(ctrlMs/float64(b.N), "controller-ms")
		})
	}
}

func measureFailover(b *testing.B, timing Timing) (brokerMs, ctrlMs float64) {
	dir := b.TempDir()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	var cs []*Controller
	defer func() {
		for _, c := range cs {
			_ = c.Close()
		}
	}()
	start := func(id int32, seeds ...string) *Controller {
		c, err := Start(Config{NodeID: id, DataDir: filepath.Join(dir, fmt.Sprint(id)), KafkaAddr: fmt.Sprintf("127.0.0.1:%d", 19100+id),
			Seeds: seeds, Timing: timing, Logger: quiet, DisableAutoLeaderRebalance: true})
		if err != nil {
			b.Fatal(err)
		}
		cs = append(cs, c)
		return c
	}
	first := start(1)
	start(2, first.GossipAddr())
	start(3, first.GossipAddr())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, c := range cs {
		if err := c.WaitReady(ctx); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := first.CreateTopic(ctx, "clicks", 12, 3, nil); err != nil {
		b.Fatal(err)
	}
	pick := func(controller bool) (victim, observer *Controller) {
		for _, c := range cs {
			if c.IsController() == controller && victim == nil {
				victim = c
			}
		}
		for _, c := range cs {
			if c != victim {
				observer = c
			}
		}
		return victim, observer
	}
	// A follower broker dies.
	victim, obs := pick(false)
	t0 := time.Now()
	_ = victim.shutdown(false)
	waitUntil(b, func() bool { return ledOnlyByLive(obs.Metadata(), victim.cfg.NodeID) })
	brokerMs = float64(time.Since(t0).Microseconds()) / 1000
	cs = without3(cs, victim)
	// Bring it back so the quorum survives the next kill.
	back := start(victim.cfg.NodeID, obs.GossipAddr())
	if err := back.WaitReady(ctx); err != nil {
		b.Fatal(err)
	}
	victim, obs = pick(true)
	t0 = time.Now()
	_ = victim.shutdown(false)
	waitUntil(b, func() bool { return obs.ControllerID() >= 0 && obs.ControllerID() != victim.cfg.NodeID })
	ctrlMs = float64(time.Since(t0).Microseconds()) / 1000
	cs = without3(cs, victim)
	return brokerMs, ctrlMs
}

func ledOnlyByLive(s *State, dead int32) bool {
	if b := s.Brokers[dead]; b == nil || !b.Fenced {
		return false
	}
	for _, p := range s.Topics["clicks"].Partitions {
		if p.Leader == dead || p.Leader == NoLeader {
			return false
		}
	}
	return true
}

// waitUntil waits up to 20 s for cond, checking every 5 ms: the failover
// times measured are as fine as that.
func waitUntil(b *testing.B, cond func() bool) {
	b.Helper()
	testutil.WaitFor(b, 20*time.Second, 5*time.Millisecond, func() error {
		if !cond() {
			return errors.New("still false")
		}
		return nil
	})
}

func without3(cs []*Controller, c *Controller) []*Controller {
	var out []*Controller
	for _, x := range cs {
		if x != c {
			out = append(out, x)
		}
	}
	return out
}

// BenchmarkApplyAndPublish measures what every metadata change costs a
// node: applying an AlterPartition and publishing the copy readers see
// (sharing unchanged topics with the previous copy), for a cluster of
// 1,000 topics of 10 partitions.
func BenchmarkApplyAndPublish(b *testing.B) {
	s := NewState()
	for id := int32(1); id <= 3; id++ {
		_, _ = s.Apply(&RegisterBroker{Broker: Broker{ID: id, KafkaAddr: "h:1"}})
	}
	for i := 0; i < 1000; i++ {
		if _, err := s.Apply(&CreateTopic{ID: NewTopicID(), Name: fmt.Sprintf("t%d", i), Partitions: 10, ReplicationFactor: 3}); err != nil {
			b.Fatal(err)
		}
	}
	prev := s.Clone()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := s.Topics["t7"].Partitions[3]
		isr := p.Replicas
		if len(p.ISR) == 3 {
			isr = p.Replicas[:1]
			if p.Leader != isr[0] {
				isr = []int32{p.Leader}
			}
		}
		if _, err := s.Apply(&AlterPartition{Topic: "t7", Partition: 3, BrokerID: p.Leader, LeaderEpoch: p.LeaderEpoch, PartitionEpoch: p.PartitionEpoch, ISR: isr}); err != nil {
			b.Fatal(err)
		}
		prev = s.cloneSharing(prev)
	}
}
