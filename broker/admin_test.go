package broker_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/spate-io/spate/broker"
	"github.com/spate-io/spate/broker/brokertest"
	"github.com/spate-io/spate/internal/testutil"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

func TestAdminTopicsOffsetsConfigs(t *testing.T) {
	addr := brokertest.Start(t, func(c *broker.Config) { c.DisableAutoCreate = true })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	adm := kadm.NewClient(newClient(t, addr))

	v := "3600000"
	if _, err := adm.CreateTopic(ctx, 3, 1, map[string]*string{"retention.ms": &v}, "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := adm.CreateTopic(ctx, 3, 1, nil, "a"); !errors.Is(err, kerr.TopicAlreadyExists) {
		t.Fatalf("second create: %v, want TOPIC_ALREADY_EXISTS", err)
	}
	if _, err := adm.CreateTopic(ctx, 1, 3, nil, "b"); !errors.Is(err, kerr.InvalidReplicationFactor) {
		t.Fatalf("rf 3: %v, want INVALID_REPLICATION_FACTOR", err)
	}
	if _, err := adm.CreateTopic(ctx, 1, 1, nil, "bad/name"); !errors.Is(err, kerr.InvalidTopicException) {
		t.Fatalf("bad name: %v, want INVALID_TOPIC_EXCEPTION", err)
	}
	bogus := "x"
	if _, err := adm.CreateTopic(ctx, 1, 1, map[string]*string{"retention.ms": &bogus}, "c"); !errors.Is(err, kerr.InvalidConfig) {
		t.Fatalf("bad config: %v, want INVALID_CONFIG", err)
	}

	tds, err := adm.ListTopics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !tds.Has("a") || len(tds["a"].Partitions) != 3 || tds.Has("__consumer_offsets") {
		t.Fatalf("topics: %v", tds.Names())
	}

	// Produce a few records at known times, then list offsets.
	p := newClient(t, addr, kgo.DefaultProduceTopic("a"), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	for i, ts := range []int64{1000, 2000, 3000} {
		r := &kgo.Record{Partition: 1, Value: []byte{byte(i)}, Timestamp: time.UnixMilli(ts)}
		if err := p.ProduceSync(ctx, r).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	ends, err := adm.ListEndOffsets(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if e, _ := ends.Lookup("a", 1); e.Offset != 3 {
		t.Fatalf("end offset %d, want 3", e.Offset)
	}
	starts, err := adm.ListStartOffsets(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := starts.Lookup("a", 1); s.Offset != 0 {
		t.Fatalf("start offset %d, want 0", s.Offset)
	}
	byTime, err := adm.ListOffsetsAfterMilli(ctx, 1500, "a")
	if err != nil {
		t.Fatal(err)
	}
	if o, _ := byTime.Lookup("a", 1); o.Offset != 1 {
		t.Fatalf("offset after 1500ms: %d, want 1", o.Offset)
	}

	// Configs: describe, alter, describe again.
	rcs, err := adm.DescribeTopicConfigs(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if got := configValue(t, rcs, "retention.ms"); got != "3600000" {
		t.Fatalf("retention.ms %q", got)
	}
	one := "1048576"
	if _, err := adm.AlterTopicConfigs(ctx, []kadm.AlterConfig{{Name: "segment.bytes", Value: &one}}, "a"); err != nil {
		t.Fatal(err)
	}
	rcs, _ = adm.DescribeTopicConfigs(ctx, "a")
	if got := configValue(t, rcs, "segment.bytes"); got != one {
		t.Fatalf("segment.bytes %q after alter", got)
	}

	if _, err := adm.CreatePartitions(ctx, 2, "a"); err != nil {
		t.Fatal(err)
	}
	tds, _ = adm.ListTopics(ctx, "a")
	if len(tds["a"].Partitions) != 5 {
		t.Fatalf("partitions after adding 2: %d", len(tds["a"].Partitions))
	}

	if _, err := adm.DeleteTopic(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 5*time.Second, 20*time.Millisecond, func() error {
		tds, err := adm.ListTopics(ctx)
		if err == nil && tds.Has("a") {
			return errors.New("topic a still listed")
		}
		return err
	})
	if _, err := adm.DeleteTopic(ctx, "a"); !errors.Is(err, kerr.UnknownTopicOrPartition) {
		t.Fatalf("deleting again: %v, want UNKNOWN_TOPIC_OR_PARTITION", err)
	}
}

func configValue(t *testing.T, rcs kadm.ResourceConfigs, name string) string {
	t.Helper()
	for _, rc := range rcs {
		for _, c := range rc.Configs {
			if c.Key == name {
				return c.MaybeValue()
			}
		}
	}
	t.Fatalf("config %s not described", name)
	return ""
}

func TestAdminGroupsAndLag(t *testing.T) {
	addr := brokertest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	adm := kadm.NewClient(newClient(t, addr))
	if _, err := adm.CreateTopic(ctx, 2, 1, nil, "events"); err != nil {
		t.Fatal(err)
	}
	p := newClient(t, addr, kgo.DefaultProduceTopic("events"))
	for i := 0; i < 50; i++ {
		if err := p.ProduceSync(ctx, kgo.StringRecord("e")).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	c := newClient(t, addr, kgo.ConsumerGroup("readers"), kgo.ConsumeTopics("events"), kgo.ClientID("reader-1"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.DisableAutoCommit())
	got := 0
	for got < 20 {
		fs := c.PollRecords(ctx, 20-got)
		if err := fs.Err0(); err != nil {
			t.Fatal(err)
		}
		got += fs.NumRecords()
	}
	if err := c.CommitUncommittedOffsets(ctx); err != nil {
		t.Fatal(err)
	}

	dgs, err := adm.DescribeGroups(ctx, "readers")
	if err != nil {
		t.Fatal(err)
	}
	g := dgs["readers"]
	if g.State != "Stable" || len(g.Members) != 1 || g.Members[0].ClientID != "reader-1" || g.Protocol == "" {
		t.Fatalf("described group: %+v", g)
	}
	lags, err := adm.Lag(ctx, "readers")
	if err != nil {
		t.Fatal(err)
	}
	l := lags["readers"]
	if err := l.Error(); err != nil {
		t.Fatal(err)
	}
	if total := l.Lag.Total(); total != 30 {
		t.Fatalf("total lag %d, want 30", total)
	}
	for _, ml := range l.Lag.Sorted() {
		if ml.Member == nil || ml.Member.ClientID != "reader-1" {
			t.Fatalf("partition %d has no member in lag", ml.Partition)
		}
	}
	lgs, err := adm.ListGroups(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := lgs["readers"]; !ok {
		t.Fatalf("groups: %v", lgs.Groups())
	}
	if r, _ := adm.DeleteGroup(ctx, "readers"); !errors.Is(r.Err, kerr.NonEmptyGroup) {
		t.Fatalf("deleting a live group: %v, want NON_EMPTY_GROUP", r.Err)
	}
	c.Close()
	testutil.WaitFor(t, 10*time.Second, 20*time.Millisecond, func() error {
		dgs, err := adm.DescribeGroups(ctx, "readers")
		if err != nil {
			return err
		}
		if s := dgs["readers"].State; s != "Empty" {
			return errors.New("group state " + s)
		}
		return nil
	})
	if r, err := adm.DeleteGroup(ctx, "readers"); err != nil || r.Err != nil {
		t.Fatalf("deleting the empty group: %v %v", err, r.Err)
	}
	os, err := adm.FetchOffsets(ctx, "readers")
	if err != nil {
		t.Fatal(err)
	}
	if len(os) != 0 {
		t.Fatalf("offsets after delete: %v", os)
	}
}
