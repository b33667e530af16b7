package kafka

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/spate-io/spate/engine/batch"
	"github.com/spate-io/spate/internal/testutil"
)

func TestReadRangeExactBoundaries(t *testing.T) {
	eachKafka(t, func(t *testing.T, k *testKafka) {
		k.createTopic(t, "clicks", 2, nil)
		k.produceN(t, "clicks", 1, 0, 1000, 20)
		src := Subscribe("clicks").Brokers(k.addrs...)

		for _, rg := range [][2]int64{{0, 1}, {0, 10}, {500, 501}, {499, 733}, {990, 1000}, {999, 1000}, {0, 1000}, {10, 10}, {1000, 1000}} {
			t.Run(fmt.Sprintf("%d-%d", rg[0], rg[1]), func(t *testing.T) {
				rows, _, err := readRange(t, src, batch.Range{Topic: "clicks", Partition: 1, From: rg[0], Until: rg[1]})
				if err != nil {
					t.Fatal(err)
				}
				if got, want := offsetsOf(rows), offsetSpan(rg[0], rg[1]); !slices.Equal(got, want) {
					t.Fatalf("offsets %v, want %v", brief(got), brief(want))
				}
				for _, r := range rows {
					if want := testValue(int(r.Offset), 20); !bytes.Equal(r.Value, want) || string(r.Key) != fmt.Sprintf("k%d", r.Offset) {
						t.Fatalf("offset %d: key %q value %q, want k%d %q", r.Offset, r.Key, r.Value, r.Offset, want)
					}
					if r.Topic != "clicks" || r.Partition != 1 || r.TSType != 0 || r.Timestamp <= 0 {
						t.Fatalf("offset %d: row %+v", r.Offset, r)
					}
				}
			})
		}
	})
}

func brief(o []int64) string {
	if len(o) <= 6 {
		return fmt.Sprint(o)
	}
	return fmt.Sprintf("[%d %d %d ... %d] (%d)", o[0], o[1], o[2], o[len(o)-1], len(o))
}

func TestReadRangeAcrossManyFetchesAndRecords(t *testing.T) {
	k := newTestKafka(t)
	k.createTopic(t, "big", 1, nil)
	k.produceN(t, "big", 0, 0, 3000, 8<<10) // 24 MiB: several 8 MiB fetches
	src := Subscribe("big").Brokers(k.addrs...)

	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r, err := src.OpenReaderWithAllocator(ctxT(t), mem)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	r.chunkRows = 700 // records are cut by rows ...
	rows, records, err := collect(ctxT(t), r, batch.Range{Topic: "big", Partition: 0, From: 7, Until: 2993})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := offsetsOf(rows), offsetSpan(7, 2993); !slices.Equal(got, want) {
		t.Fatalf("offsets %v, want %v", brief(got), brief(want))
	}
	if records != 5 { // 2986 rows in records of 700
		t.Fatalf("%d records, want 5", records)
	}
	r.chunkRows, r.chunkBytes = defaultChunkRows, 1<<20 // ... and by bytes
	_, records, err = collect(ctxT(t), r, batch.Range{Topic: "big", Partition: 0, From: 0, Until: 3000})
	if err != nil {
		t.Fatal(err)
	}
	if records < 20 || records > 26 { // 3000 * 8 KiB in ~1 MiB records
		t.Fatalf("%d records of at most 1 MiB, want about 24", records)
	}
	if st := r.Stats(); st.Fetches <= 2 || st.Records != 2986+3000 || st.Ranges != 2 {
		t.Fatalf("stats %+v", st)
	}
}

func TestReadRangeHeadersAndNulls(t *testing.T) {
	eachKafka(t, func(t *testing.T, k *testKafka) {
		k.createTopic(t, "h", 1, nil)
		at := time.UnixMilli(1_700_000_000_123)
		k.produce(t, k.cl,
			&kgo.Record{Topic: "h", Key: []byte("a"), Value: []byte("1"), Timestamp: at, Headers: []kgo.RecordHeader{{Key: "trace", Value: []byte("t1")}, {Key: "empty", Value: nil}}},
			&kgo.Record{Topic: "h", Key: nil, Value: nil, Timestamp: at.Add(time.Second)},
			&kgo.Record{Topic: "h", Key: []byte{}, Value: []byte{}, Timestamp: at, Headers: []kgo.RecordHeader{{Key: "x", Value: []byte{}}}},
		)
		rg := batch.Range{Topic: "h", Partition: 0, From: 0, Until: 3}

		rows, _, err := readRange(t, Subscribe("h").Brokers(k.addrs...).IncludeHeaders(true), rg)
		if err != nil {
			t.Fatal(err)
		}
		want := []row{
			{Key: []byte("a"), Value: []byte("1"), Topic: "h", Offset: 0, Timestamp: at.UnixMilli(), Headers: []kgo.RecordHeader{{Key: "trace", Value: []byte("t1")}, {Key: "empty"}}},
			{Topic: "h", Offset: 1, Timestamp: at.UnixMilli() + 1000},
			{Key: []byte{}, Value: []byte{}, Topic: "h", Offset: 2, Timestamp: at.UnixMilli(), Headers: []kgo.RecordHeader{{Key: "x", Value: []byte{}}}},
		}
		if d := diffRows(rows, want); d != "" {
			t.Fatal(d)
		}

		rows, _, err = readRange(t, Subscribe("h").Brokers(k.addrs...), rg)
		if err != nil {
			t.Fatal(err)
		}
		for i := range want {
			want[i].Headers = nil
		}
		if d := diffRows(rows, want); d != "" {
			t.Fatal("without headers: " + d)
		}
	})
}

// diffRows says how got differs from want, telling nil from empty bytes.
func diffRows(got, want []row) string {
	if len(got) != len(want) {
		return fmt.Sprintf("%d rows, want %d", len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		same := g.Topic == w.Topic && g.Partition == w.Partition && g.Offset == w.Offset &&
			g.Timestamp == w.Timestamp && g.TSType == w.TSType &&
			sameBytes(g.Key, w.Key) && sameBytes(g.Value, w.Value) && len(g.Headers) == len(w.Headers)
		for j := 0; same && j < len(g.Headers); j++ {
			same = g.Headers[j].Key == w.Headers[j].Key && sameBytes(g.Headers[j].Value, w.Headers[j].Value)
		}
		if !same {
			return fmt.Sprintf("row %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
	return ""
}

func sameBytes(a, b []byte) bool { return (a == nil) == (b == nil) && bytes.Equal(a, b) }

func TestReadRangeCompressedBatches(t *testing.T) {
	eachKafka(t, func(t *testing.T, k *testKafka) {
		codecs := map[string]kgo.CompressionCodec{
			"gzip": kgo.GzipCompression(), "snappy": kgo.SnappyCompression(),
			"lz4": kgo.Lz4Compression(), "zstd": kgo.ZstdCompression(),
		}
		for name, codec := range codecs {
			t.Run(name, func(t *testing.T) {
				topic := "z-" + name
				k.createTopic(t, topic, 1, nil)
				prod, err := kgo.NewClient(kgo.SeedBrokers(k.addrs...), kgo.ProducerBatchCompression(codec), kgo.ProducerLinger(50*time.Millisecond))
				if err != nil {
					t.Fatal(err)
				}
				defer prod.Close()
				var recs []*kgo.Record
				for i := range 500 {
					recs = append(recs, &kgo.Record{Topic: topic, Key: fmt.Appendf(nil, "k%d", i), Value: testValue(i, 300)})
				}
				k.produce(t, prod, recs...)
				src := Subscribe(topic).Brokers(k.addrs...)
				// Ranges start and end inside compressed batches.
				for _, rg := range [][2]int64{{0, 500}, {3, 4}, {123, 377}} {
					rows, _, err := readRange(t, src, batch.Range{Topic: topic, From: rg[0], Until: rg[1]})
					if err != nil {
						t.Fatal(err)
					}
					if got, want := offsetsOf(rows), offsetSpan(rg[0], rg[1]); !slices.Equal(got, want) {
						t.Fatalf("%v: offsets %v, want %v", rg, brief(got), brief(want))
					}
					for _, r := range rows {
						if !bytes.Equal(r.Value, testValue(int(r.Offset), 300)) {
							t.Fatalf("offset %d: wrong value", r.Offset)
						}
					}
				}
			})
		}
	})
}

func TestReadRangeEndsOnTransactionMarkers(t *testing.T) {
	k := newFakeKafka(t) // spate's broker has no transactions yet
	k.createTopic(t, "tx", 1, nil)
	prod, err := kgo.NewClient(kgo.SeedBrokers(k.addrs...), kgo.TransactionalID("tx-test"))
	if err != nil {
		t.Fatal(err)
	}
	defer prod.Close()
	inTxn := func(commit bool, values ...string) {
		if err := prod.BeginTransaction(); err != nil {
			t.Fatal(err)
		}
		for _, v := range values {
			if err := prod.ProduceSync(ctxT(t), &kgo.Record{Topic: "tx", Value: []byte(v)}).FirstErr(); err != nil {
				t.Fatal(err)
			}
		}
		if err := prod.EndTransaction(ctxT(t), kgo.TransactionEndTry(commit)); err != nil {
			t.Fatal(err)
		}
	}
	inTxn(true, "a", "b", "c") // offsets 0-2, commit marker at 3
	inTxn(false, "x")          // offset 4 aborted, abort marker at 5
	inTxn(true, "d")           // offset 6, commit marker at 7

	var end int64
	testutil.WaitFor(t, 10*time.Second, 20*time.Millisecond, func() error {
		ends, err := k.adm.ListEndOffsets(ctxT(t), "tx")
		if err != nil {
			return err
		}
		o, _ := ends.Lookup("tx", 0)
		if end = o.Offset; end != 8 {
			return fmt.Errorf("end offset %d, want 8", end)
		}
		return nil
	})
	src := Subscribe("tx").Brokers(k.addrs...)
	// read_uncommitted, Spark's default: the aborted record is read too;
	// the markers at 3, 5 and 7 are offsets without records.
	for _, c := range []struct {
		from, until int64
		want        []int64
	}{
		{0, 8, []int64{0, 1, 2, 4, 6}},
		{0, 4, []int64{0, 1, 2}},
		{3, 4, nil},
		{3, 6, []int64{4}},
		{7, 8, nil},
	} {
		rows, _, err := readRange(t, src, batch.Range{Topic: "tx", From: c.from, Until: c.until})
		if err != nil {
			t.Fatal(err)
		}
		if got := offsetsOf(rows); !slices.Equal(got, c.want) {
			t.Fatalf("[%d,%d): offsets %v, want %v", c.from, c.until, got, c.want)
		}
	}
}

func TestReadRangeCompactedGaps(t *testing.T) {
	k := newFakeKafka(t) // spate's broker does not compact yet
	compact := "compact"
	k.createTopic(t, "table", 1, map[string]*string{"cleanup.policy": &compact})
	// One record per batch. Offset 0 has a key of its own and stays; the
	// keys of 1-19 repeat, so compaction keeps only the last of each among
	// the cleanable batches (all but the last, which holds 19).
	k.produce(t, k.cl, &kgo.Record{Topic: "table", Key: []byte("head"), Value: []byte("v0")})
	for i := 1; i < 20; i++ {
		k.produce(t, k.cl, &kgo.Record{Topic: "table", Key: fmt.Appendf(nil, "k%d", i%4), Value: fmt.Appendf(nil, "v%d", i)})
	}
	k.fake.Compact()
	src := Subscribe("table").Brokers(k.addrs...)
	rows, _, err := readRange(t, src, batch.Range{Topic: "table", From: 0, Until: 20})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := offsetsOf(rows), []int64{0, 15, 16, 17, 18, 19}; !slices.Equal(got, want) {
		t.Fatalf("offsets after compaction %v, want %v", got, want)
	}
	// A range wholly inside the compacted gap ends without a record.
	rows, _, err = readRange(t, src, batch.Range{Topic: "table", From: 2, Until: 15})
	if err != nil || len(rows) != 0 {
		t.Fatalf("gap range: %d rows, err %v", len(rows), err)
	}
}

func TestReadRangeDataLoss(t *testing.T) {
	k := newFakeKafka(t) // spate's broker has no DeleteRecords; see TestReadRangeDataLossByRetention
	k.createTopic(t, "ret", 1, nil)
	k.produceN(t, "ret", 0, 0, 100, 10)
	deleteBefore(t, k, "ret", 0, 50)

	failing := Subscribe("ret").Brokers(k.addrs...)
	_, _, err := readRange(t, failing, batch.Range{Topic: "ret", From: 10, Until: 80})
	var lost *DataLossError
	if !errors.As(err, &lost) || lost.Topic != "ret" || lost.Partition != 0 || lost.From != 10 || lost.Until != 50 {
		t.Fatalf("err %v, want data loss of ret-0 [10,50)", err)
	}
	if !strings.Contains(err.Error(), "FailOnDataLoss(false)") {
		t.Fatalf("error does not say what to do: %v", err)
	}

	skipping := failing.FailOnDataLoss(false)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r, err := skipping.OpenReaderWithAllocator(ctxT(t), mem)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rows, _, err := collect(ctxT(t), r, batch.Range{Topic: "ret", From: 10, Until: 80})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := offsetsOf(rows), offsetSpan(50, 80); !slices.Equal(got, want) {
		t.Fatalf("offsets %v, want %v", brief(got), brief(want))
	}
	rows, _, err = collect(ctxT(t), r, batch.Range{Topic: "ret", From: 20, Until: 40}) // wholly lost
	if err != nil || len(rows) != 0 {
		t.Fatalf("lost range: %d rows, err %v", len(rows), err)
	}
	if st := r.Stats(); st.LostOffsets != 40+20 {
		t.Fatalf("lost offsets %d, want 60", st.LostOffsets)
	}
}

// deleteBefore advances the partition's log start to offset with
// DeleteRecords, as retention would.
func deleteBefore(t testing.TB, k *testKafka, topic string, partition int32, offset int64) {
	t.Helper()
	var os kadm.Offsets
	os.Add(kadm.Offset{Topic: topic, Partition: partition, At: offset, LeaderEpoch: -1})
	resp, err := k.adm.DeleteRecords(ctxT(t), os)
	if err == nil {
		err = resp.Error()
	}
	if err != nil {
		t.Fatalf("delete records: %v", err)
	}
}

func TestReadRangePastTheEnd(t *testing.T) {
	k := newTestKafka(t)
	k.createTopic(t, "short", 1, nil)
	k.produceN(t, "short", 0, 0, 10, 10)
	rg := batch.Range{Topic: "short", From: 5, Until: 20} // offsets 10-19 never arrive

	src := Subscribe("short").Brokers(k.addrs...).PollTimeout(time.Second)
	start := time.Now()
	_, _, err := readRange(t, src, rg)
	var lost *DataLossError
	if !errors.As(err, &lost) || lost.From != 10 || lost.Until != 20 {
		t.Fatalf("err %v, want data loss of [10,20)", err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Fatalf("gave up after %s, want about the 1s poll timeout", took)
	}

	rows, _, err := readRange(t, src.FailOnDataLoss(false), rg)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := offsetsOf(rows), offsetSpan(5, 10); !slices.Equal(got, want) {
		t.Fatalf("offsets %v, want %v", got, want)
	}

	// Records that arrive while the range waits are read.
	k.createTopic(t, "later", 1, nil)
	k.produceN(t, "later", 0, 0, 3, 10)
	produced := make(chan error, 1)
	go func() {
		time.Sleep(300 * time.Millisecond) // the range waits for these; the result is the same either way
		var recs []*kgo.Record
		for i := 3; i < 8; i++ {
			recs = append(recs, &kgo.Record{Topic: "later", Key: fmt.Appendf(nil, "k%d", i), Value: testValue(i, 10)})
		}
		produced <- k.cl.ProduceSync(ctxT(t), recs...).FirstErr()
	}()
	defer func() {
		if err := <-produced; err != nil {
			t.Errorf("produce: %v", err)
		}
	}()
	rows, _, err = readRange(t, Subscribe("later").Brokers(k.addrs...), batch.Range{Topic: "later", From: 0, Until: 8})
	if err != nil || !slices.Equal(offsetsOf(rows), offsetSpan(0, 8)) {
		t.Fatalf("offsets %v, err %v; want 0-7", offsetsOf(rows), err)
	}
}

func TestReadRangeCancel(t *testing.T) {
	k := newTestKafka(t)
	k.createTopic(t, "c", 1, nil)
	k.produceN(t, "c", 0, 0, 10, 10)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r, err := Subscribe("c").Brokers(k.addrs...).OpenReaderWithAllocator(ctxT(t), mem)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()

	ctx, cancel := context.WithCancel(ctxT(t))
	done := make(chan error, 1)
	go func() {
		_, _, err := collect(ctx, r, batch.Range{Topic: "c", From: 0, Until: 1000}) // waits for offsets never produced
		done <- err
	}()
	time.Sleep(100 * time.Millisecond) // let it reach the wait; the result is the same either way
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("ReadRange did not return within 5s of cancel")
	}

	// emit's error stops the read and comes back as is.
	stop := errors.New("sink full")
	err = r.ReadRange(ctxT(t), batch.Range{Topic: "c", From: 0, Until: 10}, func(rec arrow.RecordBatch) error {
		rec.Release()
		return stop
	})
	if !errors.Is(err, stop) {
		t.Fatalf("err %v, want the emit error", err)
	}
}

func TestReadRangeConcurrentPartitions(t *testing.T) {
	k := newTestKafka(t)
	k.createTopic(t, "multi", 4, nil)
	for p := range int32(4) {
		k.produceN(t, "multi", p, 0, 2000, 50)
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r, err := Subscribe("multi").Brokers(k.addrs...).OpenReaderWithAllocator(ctxT(t), mem)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range 8 { // two ranges per partition, back to back
		wg.Go(func() {
			p, half := int32(i/2), int64(i%2)
			rg := batch.Range{Topic: "multi", Partition: p, From: half * 1000, Until: half*1000 + 1000}
			rows, _, err := collect(ctxT(t), r, rg)
			if err == nil && !slices.Equal(offsetsOf(rows), offsetSpan(rg.From, rg.Until)) {
				err = fmt.Errorf("%s: offsets %v", rg, brief(offsetsOf(rows)))
			}
			errs[i] = err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}

func TestReadRangeRejectsForeignRanges(t *testing.T) {
	k := newTestKafka(t)
	k.createTopic(t, "mine", 1, nil)
	cases := []struct {
		src  *Source
		rg   batch.Range
		want string
	}{
		{Subscribe("mine"), batch.Range{Topic: "other", From: 0, Until: 1}, "not of a partition this source reads"},
		{SubscribePattern("mi.*"), batch.Range{Topic: "xmine", From: 0, Until: 1}, "not of a partition this source reads"},
		{Assign(map[string][]int32{"mine": {0}}), batch.Range{Topic: "mine", Partition: 1, From: 0, Until: 1}, "not of a partition this source reads"},
		{Subscribe("mine"), batch.Range{Topic: "mine", From: 5, Until: 4}, "not a range of offsets"},
		{Subscribe("mine"), batch.Range{Topic: "mine", From: -1, Until: 4}, "not a range of offsets"},
	}
	for _, c := range cases {
		_, _, err := readRange(t, c.src.Brokers(k.addrs...), c.rg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want %q", c.rg, err, c.want)
		}
	}
}

func TestReadRangeDeletedTopic(t *testing.T) {
	eachKafka(t, func(t *testing.T, k *testKafka) {
		k.createTopic(t, "doomed", 1, nil)
		k.produceN(t, "doomed", 0, 0, 10, 10)
		src := Subscribe("doomed").Brokers(k.addrs...)
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		r, err := src.OpenReaderWithAllocator(ctxT(t), mem)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if _, _, err := collect(ctxT(t), r, batch.Range{Topic: "doomed", From: 0, Until: 5}); err != nil {
			t.Fatal(err)
		}
		if _, err := k.adm.DeleteTopic(ctxT(t), "doomed"); err != nil {
			t.Fatal(err)
		}
		_, _, err = collect(ctxT(t), r, batch.Range{Topic: "doomed", From: 5, Until: 10})
		var lost *DataLossError
		if !errors.As(err, &lost) || lost.From != 5 || lost.Until != 10 || !strings.Contains(err.Error(), "deleted") {
			t.Fatalf("err %v, want data loss of doomed-0 [5,10) naming the deletion", err)
		}
	})
}

// TestReadRangeFollowsLeaders reads from a three-broker cluster, where
// partitions have different leaders, and moves a leader in the middle of a
// range: the reader refreshes its metadata and goes on at the new leader.
func TestReadRangeFollowsLeaders(t *testing.T) {
	k := newFakeCluster(t, 3) // spate's broker is a single node so far
	k.createTopic(t, "spread", 3, nil)
	for p := range int32(3) {
		k.produceN(t, "spread", p, 0, 3000, 1000) // 3 MB: several fetches
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r, err := Subscribe("spread").Brokers(k.addrs...).OpenReaderWithAllocator(ctxT(t), mem)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for p := range int32(3) {
		rows, _, err := collect(ctxT(t), r, batch.Range{Topic: "spread", Partition: p, From: 0, Until: 3000})
		if err != nil || !slices.Equal(offsetsOf(rows), offsetSpan(0, 3000)) {
			t.Fatalf("partition %d: offsets %v, err %v", p, brief(offsetsOf(rows)), err)
		}
	}

	r.chunkRows = 500 // emit, and move the leader, after the first fetch
	moved, before := false, k.fake.LeaderFor("spread", 0)
	var rows []row
	err = r.ReadRange(ctxT(t), batch.Range{Topic: "spread", Partition: 0, From: 0, Until: 3000}, func(rec arrow.RecordBatch) error {
		defer rec.Release()
		rows = append(rows, rowsOf(rec)...)
		if !moved {
			moved = true
			if err := k.fake.MoveTopicPartition("spread", 0, (before+1)%3); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || !slices.Equal(offsetsOf(rows), offsetSpan(0, 3000)) {
		t.Fatalf("across a leader move: offsets %v, err %v", brief(offsetsOf(rows)), err)
	}
	if after := k.fake.LeaderFor("spread", 0); after == before {
		t.Fatalf("leader stayed %d", after)
	}
}
