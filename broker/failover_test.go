package broker_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/kversion"

	"github.com/spate-io/spate/internal/testutil"
)

// chaos reports whether the long fault suites run (SPATE_CHAOS=1).
func chaos() bool { return os.Getenv("SPATE_CHAOS") != "" }

// TestChaosKillLeadersUnderLoad is the failure test: 3 broker
// processes, a topic with RF 3 and min.insync.replicas 2, an idempotent
// acks=all producer at full speed; the leader of every partition in turn
// is killed with SIGKILL and restarted. Consumers then read everything
// acknowledged, once and in order per partition. One round (every
// partition once) by default, 10 with SPATE_CHAOS=1.
func TestChaosKillLeadersUnderLoad(t *testing.T) {
	rounds := 1
	if chaos() {
		rounds = 10
	}
	c := startProcCluster(t, 3)
	adm := c.admin()
	createReplicated(t, adm, "acked", 3)
	w := startWorkload(t, c.addrs(), "acked")
	w.waitAcked(1000, 60*time.Second)
	for r := 0; r < rounds; r++ {
		for p := int32(0); p < 3; p++ {
			waitFullISR(t, adm, "acked")
			victim := leaderOf(t, adm, "acked", p)
			t.Logf("round %d: SIGKILL broker %d, leader of partition %d (%d acknowledged so far)", r, victim, p, w.numAcked())
			c.kill(victim)
			start := time.Now()
			w.waitAckedOn(p, 1000, 60*time.Second)
			t.Logf("partition %d took writes again %v after the kill", p, time.Since(start).Round(time.Millisecond))
			c.restart(victim)
			w.waitAcked(1000, 60*time.Second)
		}
	}
	w.stop()
	verifyAcked(t, c.addrs(), "acked", w.ackedSnapshot())
}

// rawBatch is one uncompressed v2 record batch of values (no producer id).
func rawBatch(values ...string) []byte {
	var recs []byte
	for i, v := range values {
		r := kmsg.Record{OffsetDelta: int32(i), Value: []byte(v)}
		body := r.AppendTo(nil)[1:] // without the varint of Length 0
		recs = binary.AppendVarint(recs, int64(len(body)))
		recs = append(recs, body...)
	}
	now := time.Now().UnixMilli()
	b := kmsg.RecordBatch{PartitionLeaderEpoch: -1, Magic: 2, LastOffsetDelta: int32(len(values) - 1),
		FirstTimestamp: now, MaxTimestamp: now, ProducerID: -1, ProducerEpoch: -1, FirstSequence: -1,
		NumRecords: int32(len(values)), Records: recs}
	out := b.AppendTo(nil)
	binary.BigEndian.PutUint32(out[8:], uint32(len(out)-12))
	binary.BigEndian.PutUint32(out[17:], crc32.Checksum(out[21:], crc32.MakeTable(crc32.Castagnoli)))
	return out
}

// produceTo sends one Produce of values to partition p of topic at
// broker id and returns the partition's error code.
func produceTo(t testing.TB, cl *kgo.Client, id int32, topic string, p int32, acks int16, values ...string) int16 {
	t.Helper()
	req := kmsg.NewPtrProduceRequest()
	req.Acks, req.TimeoutMillis = acks, 2000
	rt := kmsg.NewProduceRequestTopic()
	rt.Topic = topic
	rp := kmsg.NewProduceRequestTopicPartition()
	rp.Partition, rp.Records = p, rawBatch(values...)
	rt.Partitions = append(rt.Partitions, rp)
	req.Topics = append(req.Topics, rt)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := req.RequestWith(ctx, cl.Broker(int(id)))
	if err != nil {
		t.Fatalf("produce to broker %d: %v", id, err)
	}
	return resp.Topics[0].Partitions[0].ErrorCode
}

// TestKillTwoOfThree: with 2 of 3 brokers killed, the survivor refuses
// acks=all writes with NOT_ENOUGH_REPLICAS (min.insync.replicas 2) rather
// than accepting them, and still serves the committed records.
func TestKillTwoOfThree(t *testing.T) {
	c := startProcCluster(t, 3)
	adm := c.admin()
	createReplicated(t, adm, "two", 1)
	p := newClient(t, c.addrs()[0], kgo.SeedBrokers(c.addrs()...), kgo.DefaultProduceTopic("two"), kgo.RequiredAcks(kgo.AllISRAcks()))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for i := 0; i < 100; i++ {
		if err := p.ProduceSync(ctx, kgo.StringRecord(strconv.Itoa(i))).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	waitFullISR(t, adm, "two")
	leader := leaderOf(t, adm, "two", 0)
	for id := int32(1); id <= 3; id++ {
		if id != leader {
			c.kill(id)
		}
	}
	raw := newClient(t, c.addrs()[leader-1], kgo.MaxVersions(kversion.V3_0_0())) // Produce by topic name
	if err := raw.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	var last int16
	testutil.WaitFor(t, 30*time.Second, 100*time.Millisecond, func() error {
		last = produceTo(t, raw, leader, "two", 0, -1, "refused")
		if last != kerr.NotEnoughReplicas.Code {
			return fmt.Errorf("acks=all produce answered %v", kerr.ErrorForCode(last))
		}
		return nil
	})
	t.Logf("acks=all refused by the survivor %d: %v", leader, kerr.ErrorForCode(last))

	cons := newClient(t, c.addrs()[leader-1], kgo.ConsumeTopics("two"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	for got := 0; got < 100; {
		fs := cons.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("read %d of 100 committed records from the survivor", got)
		}
		fs.EachRecord(func(r *kgo.Record) {
			if string(r.Value) != strconv.Itoa(got) {
				t.Fatalf("record %d is %q", got, r.Value)
			}
			got++
		})
	}
}

// TestRestartAllAtOnce kills every broker of a cluster under load and
// starts them all together: everything acknowledged is there.
func TestRestartAllAtOnce(t *testing.T) {
	c := startProcCluster(t, 3)
	adm := c.admin()
	createReplicated(t, adm, "all", 3)
	w := startWorkload(t, c.addrs(), "all")
	w.waitAcked(20000, 60*time.Second)
	for id := int32(1); id <= 3; id++ {
		c.kill(id)
	}
	w.stop()
	for id := int32(1); id <= 3; id++ {
		c.restart(id)
	}
	c.waitReady(3)
	verifyAcked(t, c.addrs(), "all", w.ackedSnapshot())
}

// spateCmd runs the spate binary and returns its combined output.
func spateCmd(t testing.TB, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command(spateBinary(t), args...).CombinedOutput()
	return string(out), err
}

// TestReassignUnderLoad moves a partition's replicas, leader included, to
// another broker with `spate reassign --file` (the kafka-reassign-partitions
// JSON format) while an acks=all producer writes: nothing acknowledged is
// lost or duplicated, and --verify reports the move completed.
func TestReassignUnderLoad(t *testing.T) {
	c := startProcCluster(t, 3)
	adm := c.admin()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if r, err := adm.CreateTopic(ctx, 2, 2, nil, "moving"); err != nil || r.Err != nil {
		t.Fatalf("create: %v %v", err, r.Err)
	}
	w := startWorkload(t, c.addrs(), "moving")
	w.waitAcked(5000, 60*time.Second)

	tds, err := adm.ListTopics(ctx, "moving")
	if err != nil {
		t.Fatal(err)
	}
	from := tds["moving"].Partitions[0].Replicas
	leader := tds["moving"].Partitions[0].Leader
	var to []int32
	for id := int32(1); id <= 3; id++ {
		if !slices.Contains(from, id) {
			to = append(to, id)
		}
	}
	for _, id := range from {
		if id != leader {
			to = append(to, id)
		}
	}
	plan := filepath.Join(t.TempDir(), "plan.json")
	body := fmt.Sprintf(`{"version":1,"partitions":[{"topic":"moving","partition":0,"replicas":[%d,%d],"log_dirs":["any","any"]}]}`, to[0], to[1])
	if err := os.WriteFile(plan, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	brokers := strings.Join(c.addrs(), ",")
	out, err := spateCmd(t, "reassign", "--file", plan, "--brokers", brokers)
	if err != nil {
		t.Fatalf("spate reassign: %v\n%s", err, out)
	}
	t.Logf("moving moving-0 from %v (leader %d) to %v:\n%s", from, leader, to, out)
	testutil.WaitFor(t, 60*time.Second, 200*time.Millisecond, func() error {
		out, err := spateCmd(t, "reassign", "--file", plan, "--verify", "--brokers", brokers)
		if err != nil {
			return fmt.Errorf("%v: %s", err, out)
		}
		return nil
	})
	w.waitAckedOn(0, 5000, 60*time.Second)
	w.stop()
	ls, isrs := leaders(t, adm, "moving")
	if !slices.Contains(to, ls[0]) || len(isrs[0]) != 2 {
		t.Fatalf("after the move moving-0 has leader %d ISR %v, want within %v", ls[0], isrs[0], to)
	}
	verifyAcked(t, c.addrs(), "moving", w.ackedSnapshot())
}
