package kafka

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/spate-io/spate/engine/batch"
	"github.com/spate-io/spate/internal/testutil"
)

// trimOnFake moves the partition's log start to offset with DeleteRecords
// on kfake and returns it; spate's broker has no DeleteRecords (its log
// start moves by retention, see TestDataLossByRetention), so there the log
// start stays 0.
func trimOnFake(t testing.TB, k *testKafka, topic string, partition int32, offset int64) int64 {
	if k.fake == nil {
		return 0
	}
	deleteBefore(t, k, topic, partition, offset)
	return offset
}

// openTestStream opens src's stream, closed with the test.
func openTestStream(t testing.TB, src *Source) *Stream {
	t.Helper()
	s, err := src.OpenStream(ctxT(t))
	if err != nil {
		t.Fatalf("open stream: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s.(*Stream)
}

func TestInitialOffsets(t *testing.T) {
	eachKafka(t, func(t *testing.T, k *testKafka) {
		k.createTopic(t, "start", 3, nil)
		base := time.UnixMilli(1_800_000_000_000)
		for p := range int32(3) {
			var recs []*kgo.Record
			for i := range 10 { // record i of every partition is stamped base + i seconds
				recs = append(recs, &kgo.Record{Topic: "start", Partition: p, Value: []byte("v"), Timestamp: base.Add(time.Duration(i) * time.Second)})
			}
			k.produce(t, k.cl, recs...)
		}
		p0Start := trimOnFake(t, k, "start", 0, 4)
		src := Subscribe("start").Brokers(k.addrs...)
		offs := func(p0, p1, p2 int64) batch.Offsets {
			return batch.Offsets{"start": {0: p0, 1: p1, 2: p2}}
		}

		cases := []struct {
			name string
			src  *Source
			want batch.Offsets
			err  string
		}{
			{"latest by default", src, offs(10, 10, 10), ""},
			{"earliest", src.StartingOffsets(Earliest), offs(p0Start, 0, 0), ""},
			{"latest", src.StartingOffsets(Latest), offs(10, 10, 10), ""},
			{"json", src.StartingOffsets(OffsetsJSON(`{"start":{"0":-2,"1":5,"2":-1}}`)), offs(p0Start, 5, 10), ""},
			{"specific", src.StartingOffsets(SpecificOffsets(map[string]map[int32]int64{"start": {0: 7, 1: 0, 2: 9}})), offs(7, 0, 9), ""},
			{"json lacking a partition", src.StartingOffsets(OffsetsJSON(`{"start":{"0":1,"1":1}}`)), nil, "lacks start-2"},
			{"json naming another topic", src.StartingOffsets(OffsetsJSON(`{"start":{"0":1,"1":1,"2":1},"x":{"0":1}}`)), nil, "names x-0, which the source does not read"},
			{"json past the end", src.StartingOffsets(OffsetsJSON(`{"start":{"0":1,"1":11,"2":1}}`)), nil, "offset 11 of start-1, but the partition ends at 10"},
			{"timestamp", src.StartingTimestamp(base.Add(6500 * time.Millisecond)), offs(7, 7, 7), ""},
			{"timestamp before all", src.StartingTimestamp(base.Add(-time.Hour)), offs(p0Start, 0, 0), ""},
			{"timestamp after all", src.StartingTimestamp(base.Add(time.Hour)), nil, "no record of start-0 has a timestamp at or after"},
			{"timestamp after all, latest", src.StartingTimestamp(base.Add(time.Hour)).StartingTimestampStrategy(TimestampLatest), offs(10, 10, 10), ""},
			{"per-partition timestamps", src.StartingTimestamps(map[string]map[int32]time.Time{"start": {0: base, 1: base.Add(2 * time.Second), 2: base.Add(9 * time.Second)}}), offs(p0Start, 2, 9), ""},
			{"per-partition timestamps lacking one", src.StartingTimestamps(map[string]map[int32]time.Time{"start": {0: base}}), nil, "StartingTimestamps must name every partition"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got, err := openTestStream(t, c.src).InitialOffsets(ctxT(t))
				if c.err != "" {
					if err == nil || !strings.Contains(err.Error(), c.err) {
						t.Fatalf("err %v, want %q", err, c.err)
					}
					return
				}
				if err != nil || !reflect.DeepEqual(got, c.want) {
					t.Fatalf("got %v, %v; want %v", got, err, c.want)
				}
			})
		}
	})
}

func TestLatestAndEarliestOffsets(t *testing.T) {
	eachKafka(t, func(t *testing.T, k *testKafka) {
		k.createTopic(t, "a", 2, nil)
		k.produceN(t, "a", 0, 0, 5, 10)
		k.produceN(t, "a", 1, 0, 7, 10)
		p1Start := trimOnFake(t, k, "a", 1, 3)
		s := openTestStream(t, Subscribe("a", "not-yet").Brokers(k.addrs...))

		latest, err := s.LatestOffsets(ctxT(t))
		if want := (batch.Offsets{"a": {0: 5, 1: 7}}); err != nil || !reflect.DeepEqual(latest, want) {
			t.Fatalf("latest %v, %v; want %v (a missing topic has no partitions yet)", latest, err, want)
		}
		earliest, err := s.EarliestOffsets(ctxT(t))
		if want := (batch.Offsets{"a": {0: 0, 1: p1Start}}); err != nil || !reflect.DeepEqual(earliest, want) {
			t.Fatalf("earliest %v, %v; want %v", earliest, err, want)
		}

		// A subscribed topic created later appears, as do new partitions.
		k.createTopic(t, "not-yet", 1, nil)
		if _, err := k.adm.CreatePartitions(ctxT(t), 1, "a"); err != nil {
			t.Fatal(err)
		}
		testutil.WaitFor(t, 10*time.Second, 50*time.Millisecond, func() error { // the producer learns of partition 2
			k.cl.ForceMetadataRefresh()
			recs := []*kgo.Record{{Topic: "a", Partition: 2, Value: []byte("x")}, {Topic: "a", Partition: 2, Value: []byte("y")}}
			return k.cl.ProduceSync(ctxT(t), recs...).FirstErr()
		})
		testutil.WaitFor(t, 10*time.Second, 50*time.Millisecond, func() error {
			latest, err := s.LatestOffsets(ctxT(t))
			if want := (batch.Offsets{"a": {0: 5, 1: 7, 2: 2}, "not-yet": {0: 0}}); err != nil || !reflect.DeepEqual(latest, want) {
				return fmt.Errorf("latest %v, %v; want %v", latest, err, want)
			}
			return nil
		})
	})
}

func TestPatternPicksUpNewTopics(t *testing.T) {
	eachKafka(t, func(t *testing.T, k *testKafka) {
		k.createTopic(t, "ev-a", 2, nil)
		k.createTopic(t, "other", 1, nil)
		s := openTestStream(t, SubscribePattern(`ev-.*`).Brokers(k.addrs...))
		latest, err := s.LatestOffsets(ctxT(t))
		if want := (batch.Offsets{"ev-a": {0: 0, 1: 0}}); err != nil || !reflect.DeepEqual(latest, want) {
			t.Fatalf("latest %v, %v; want %v", latest, err, want)
		}
		k.createTopic(t, "ev-b", 1, nil)
		k.createTopic(t, "xev-c", 1, nil) // the pattern matches whole names only
		k.produceN(t, "ev-b", 0, 0, 3, 10)
		testutil.WaitFor(t, 10*time.Second, 50*time.Millisecond, func() error {
			latest, err := s.LatestOffsets(ctxT(t))
			if want := (batch.Offsets{"ev-a": {0: 0, 1: 0}, "ev-b": {0: 3}}); err != nil || !reflect.DeepEqual(latest, want) {
				return fmt.Errorf("latest %v, %v; want %v", latest, err, want)
			}
			return nil
		})
	})
}

func TestAssignReadsOnlyAssignedPartitions(t *testing.T) {
	eachKafka(t, func(t *testing.T, k *testKafka) {
		k.createTopic(t, "as", 4, nil)
		k.produceN(t, "as", 3, 0, 4, 10)
		s := openTestStream(t, Assign(map[string][]int32{"as": {1, 3}}).Brokers(k.addrs...))
		latest, err := s.LatestOffsets(ctxT(t))
		if want := (batch.Offsets{"as": {1: 0, 3: 4}}); err != nil || !reflect.DeepEqual(latest, want) {
			t.Fatalf("latest %v, %v; want %v", latest, err, want)
		}
		missing := openTestStream(t, Assign(map[string][]int32{"as": {7}}).Brokers(k.addrs...))
		if _, err := missing.LatestOffsets(ctxT(t)); err == nil || !strings.Contains(err.Error(), "as-7 does not exist (topic as has 4 partitions)") {
			t.Fatalf("err %v, want a missing assigned partition", err)
		}
	})
}

func TestDeletedTopicIsDataLoss(t *testing.T) {
	eachKafka(t, func(t *testing.T, k *testKafka) {
		k.createTopic(t, "del", 2, nil)
		k.createTopic(t, "keep", 1, nil)
		k.produceN(t, "del", 0, 0, 5, 10)
		src := Subscribe("del", "keep").Brokers(k.addrs...)
		failing := openTestStream(t, src)
		skipping := openTestStream(t, src.FailOnDataLoss(false))
		for _, s := range []*Stream{failing, skipping} {
			if _, err := s.LatestOffsets(ctxT(t)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := k.adm.DeleteTopic(ctxT(t), "del"); err != nil {
			t.Fatal(err)
		}
		_, err := failing.LatestOffsets(ctxT(t))
		var lost *DataLossError
		if !errors.As(err, &lost) || lost.Topic != "del" || !strings.Contains(err.Error(), "was the topic deleted?") {
			t.Fatalf("err %v, want data loss naming the deleted topic", err)
		}
		latest, err := skipping.LatestOffsets(ctxT(t))
		if want := (batch.Offsets{"keep": {0: 0}}); err != nil || !reflect.DeepEqual(latest, want) {
			t.Fatalf("without FailOnDataLoss: %v, %v; want %v", latest, err, want)
		}
	})
}

func TestLimits(t *testing.T) {
	k := newTestKafka(t)
	s := openTestStream(t, Subscribe("l").Brokers(k.addrs...).
		MaxOffsetsPerTrigger(1000).MinOffsetsPerTrigger(10).MaxTriggerDelay(time.Minute).MinPartitions(8))
	want := batch.Limits{MaxOffsetsPerTrigger: 1000, MinOffsetsPerTrigger: 10, MaxTriggerDelay: time.Minute, MinPartitions: 8}
	if got := s.Limits(); got != want {
		t.Fatalf("limits %+v, want %+v", got, want)
	}
}

func TestCommitShowsInLag(t *testing.T) {
	eachKafka(t, func(t *testing.T, k *testKafka) {
		k.createTopic(t, "lagged", 2, nil)
		k.produceN(t, "lagged", 0, 0, 10, 10)
		k.produceN(t, "lagged", 1, 0, 4, 10)
		src := Subscribe("lagged").Brokers(k.addrs...)

		unnamed := openTestStream(t, src)
		if err := unnamed.Commit(ctxT(t), batch.Offsets{"lagged": {0: 1}}); err == nil || !strings.Contains(err.Error(), "no consumer group") {
			t.Fatalf("commit without a group: %v", err)
		}

		s := openTestStream(t, src.WithQueryName("clicks-per-minute").(*Source))
		if s.Group() != "spate-clicks-per-minute" {
			t.Fatalf("group %q, want spate-clicks-per-minute", s.Group())
		}
		if err := s.Commit(ctxT(t), batch.Offsets{"lagged": {0: 6, 1: 4}}); err != nil {
			t.Fatal(err)
		}
		lags, err := k.adm.Lag(ctxT(t), "spate-clicks-per-minute")
		if err != nil {
			t.Fatal(err)
		}
		g := lags["spate-clicks-per-minute"]
		if g.Error() != nil {
			t.Fatal(g.Error())
		}
		got := map[int32][2]int64{}
		for _, l := range g.Lag.Sorted() {
			got[l.Partition] = [2]int64{l.Commit.At, l.Lag}
		}
		if want := map[int32][2]int64{0: {6, 4}, 1: {4, 0}}; !reflect.DeepEqual(got, want) {
			t.Fatalf("committed offset and lag per partition %v, want %v", got, want)
		}

		explicit := openTestStream(t, src.GroupID("mine").WithQueryName("ignored").(*Source))
		if explicit.Group() != "mine" {
			t.Fatalf("group %q, want mine", explicit.Group())
		}
	})
}

func TestUnreachableBrokers(t *testing.T) {
	src := Subscribe("x").Brokers("127.0.0.1:9").RequestTimeout(2 * time.Second)
	start := time.Now()
	_, err := src.OpenStream(ctxT(t))
	var unreachable *UnreachableError
	if !errors.As(err, &unreachable) || !strings.Contains(err.Error(), "kafka: cannot reach brokers 127.0.0.1:9") || !strings.Contains(err.Error(), "check Brokers(...)") {
		t.Fatalf("err %v, want an UnreachableError naming 127.0.0.1:9", err)
	}
	if _, err := src.OpenReader(ctxT(t)); !errors.As(err, &unreachable) {
		t.Fatalf("reader: err %v, want an UnreachableError", err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Fatalf("took %s to give up, want about 2 x the 2s request timeout", took)
	}
}

func TestStreamLosesBrokerMidway(t *testing.T) {
	eachKafka(t, func(t *testing.T, k *testKafka) {
		k.createTopic(t, "m", 1, nil)
		s := openTestStream(t, Subscribe("m").Brokers(k.addrs...).RequestTimeout(2*time.Second))
		if _, err := s.LatestOffsets(ctxT(t)); err != nil {
			t.Fatal(err)
		}
		k.stop()
		start := time.Now()
		_, err := s.LatestOffsets(ctxT(t))
		if err == nil || !strings.HasPrefix(err.Error(), "kafka: ") {
			t.Fatalf("err %v, want a kafka: error", err)
		}
		if took := time.Since(start); took > 10*time.Second {
			t.Fatalf("took %s to give up, want about the 2s request timeout", took)
		}
	})
}

func TestAssignedTopicDeleted(t *testing.T) {
	k := newTestKafka(t)
	k.createTopic(t, "as-del", 2, nil)
	src := Assign(map[string][]int32{"as-del": {1}}).Brokers(k.addrs...)
	failing, skipping := openTestStream(t, src), openTestStream(t, src.FailOnDataLoss(false))
	for _, s := range []*Stream{failing, skipping} {
		if _, err := s.LatestOffsets(ctxT(t)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := k.adm.DeleteTopic(ctxT(t), "as-del"); err != nil {
		t.Fatal(err)
	}
	var lost *DataLossError
	if _, err := failing.LatestOffsets(ctxT(t)); !errors.As(err, &lost) || lost.Topic != "as-del" || lost.Partition != 1 {
		t.Fatalf("err %v, want data loss of as-del-1", err)
	}
	if latest, err := skipping.LatestOffsets(ctxT(t)); err != nil || len(latest) != 0 {
		t.Fatalf("without FailOnDataLoss: %v, %v; want no partitions", latest, err)
	}
}
