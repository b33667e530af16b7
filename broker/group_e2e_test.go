package broker_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/spate-io/spate/broker/brokertest"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// TestGroupConsumesEverythingOnce produces 100k records (idempotent,
// acks=all) to 6 partitions and reads them with a 3-member consumer group,
// one member leaving midway: every record arrives exactly once, in order
// per partition, and the committed offsets end at the log end.
func TestGroupConsumesEverythingOnce(t *testing.T) {
	const total, topic, group = 100_000, "orders", "billing"
	addr := brokertest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	adm := kadm.NewClient(newClient(t, addr))
	if _, err := adm.CreateTopic(ctx, 6, 1, nil, topic); err != nil {
		t.Fatal(err)
	}

	p := newClient(t, addr, kgo.DefaultProduceTopic(topic), kgo.RequiredAcks(kgo.AllISRAcks()))
	var wg sync.WaitGroup
	var perr error
	var pmu sync.Mutex
	for i := 0; i < total; i++ {
		wg.Add(1)
		p.Produce(ctx, &kgo.Record{Key: []byte(strconv.Itoa(i % 97)), Value: []byte(strconv.Itoa(i))}, func(_ *kgo.Record, err error) {
			defer wg.Done()
			if err != nil {
				pmu.Lock()
				perr = err
				pmu.Unlock()
			}
		})
	}
	wg.Wait()
	if perr != nil {
		t.Fatal(perr)
	}

	var (
		mu       sync.Mutex
		seen     = make(map[int]int, total)
		lastOff  = map[int32]int64{}
		outOfSeq []string
	)
	record := func(r *kgo.Record) {
		mu.Lock()
		defer mu.Unlock()
		v, _ := strconv.Atoi(string(r.Value))
		seen[v]++
		if last, ok := lastOff[r.Partition]; ok && r.Offset <= last {
			outOfSeq = append(outOfSeq, fmt.Sprintf("p%d: %d after %d", r.Partition, r.Offset, last))
		}
		lastOff[r.Partition] = r.Offset
	}
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(seen)
	}

	// Each member processes what it polled before it lets a rebalance
	// revoke partitions; kgo commits the polled offsets on revoke.
	member := func(id string, stop func() bool) {
		cl := newClient(t, addr, kgo.ConsumerGroup(group), kgo.ConsumeTopics(topic), kgo.ClientID(id),
			kgo.BlockRebalanceOnPoll(), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
			kgo.SessionTimeout(6*time.Second), kgo.HeartbeatInterval(200*time.Millisecond))
		for !stop() && ctx.Err() == nil {
			pctx, pcancel := context.WithTimeout(ctx, 200*time.Millisecond)
			fs := cl.PollRecords(pctx, 500)
			pcancel()
			fs.EachRecord(record)
			if err := cl.CommitUncommittedOffsets(ctx); err != nil {
				t.Errorf("%s: commit: %v", id, err)
			}
			cl.AllowRebalance()
		}
		cl.Close() // commits nothing new (all committed) and leaves the group
	}
	var members sync.WaitGroup
	done := func() bool { return count() >= total }
	for i, stop := range []func() bool{done, done, func() bool { return count() >= total/3 || done() }} {
		members.Add(1)
		go func(id string, stop func() bool) {
			defer members.Done()
			member(id, stop)
		}(fmt.Sprintf("member-%d", i), stop)
	}
	members.Wait()
	if ctx.Err() != nil {
		t.Fatalf("timed out with %d of %d records consumed", count(), total)
	}
	for i := 0; i < total; i++ {
		if seen[i] != 1 {
			t.Fatalf("record %d seen %d times", i, seen[i])
		}
	}
	if len(outOfSeq) > 0 {
		t.Fatalf("out of order: %v", outOfSeq[:min(5, len(outOfSeq))])
	}

	ends, err := adm.ListEndOffsets(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	commits, err := adm.FetchOffsets(ctx, group)
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	ends.Each(func(e kadm.ListedOffset) {
		c, ok := commits.Lookup(topic, e.Partition)
		if !ok || c.At != e.Offset {
			t.Errorf("partition %d: committed %v, log end %d", e.Partition, c.At, e.Offset)
		}
		sum += e.Offset
	})
	if sum != total {
		t.Errorf("log ends sum to %d, want %d", sum, total)
	}
}
