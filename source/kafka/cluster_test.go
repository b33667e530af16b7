package kafka

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/spate-io/spate/broker"
	"github.com/spate-io/spate/broker/brokertest"
	"github.com/spate-io/spate/engine/batch"
)

// testKafka is a broker on 127.0.0.1 with a producing and admin client:
// spate's own broker, or franz-go's kfake as a second, independent Kafka
// for what spate's broker does not implement (DeleteRecords, transactions,
// compaction).
type testKafka struct {
	name  string
	addrs []string
	cl    *kgo.Client
	adm   *kadm.Client
	fake  *kfake.Cluster // nil on spate's broker
	stop  func()         // stops the broker (idempotent)
}

// newTestKafka starts spate's broker in-process on a free port. Retention
// runs every 50ms, so tests can age data out.
func newTestKafka(t testing.TB) *testKafka {
	t.Helper()
	b := brokertest.StartBroker(t, func(c *broker.Config) {
		c.RetentionCheckInterval = 50 * time.Millisecond
	})
	return newTestClients(t, "spate", []string{b.Addr()}, nil, func() { b.Close() })
}

// newFakeKafka starts franz-go's kfake in-process on a free port.
func newFakeKafka(t testing.TB) *testKafka {
	t.Helper()
	return newFakeCluster(t, 1)
}

// newFakeCluster starts a kfake cluster of n brokers on free ports.
func newFakeCluster(t testing.TB, n int) *testKafka {
	t.Helper()
	ports := make([]int, n) // all 0: each broker on a free port
	fake, err := kfake.NewCluster(kfake.NumBrokers(n), kfake.Ports(ports...))
	if err != nil {
		t.Fatalf("start kfake: %v", err)
	}
	t.Cleanup(fake.Close)
	return newTestClients(t, "kfake", fake.ListenAddrs(), fake, fake.Close)
}

// eachKafka runs fn against spate's broker and against kfake.
func eachKafka(t *testing.T, fn func(t *testing.T, k *testKafka)) {
	t.Run("spate", func(t *testing.T) { fn(t, newTestKafka(t)) })
	t.Run("kfake", func(t *testing.T) { fn(t, newFakeKafka(t)) })
}

func newTestClients(t testing.TB, name string, addrs []string, fake *kfake.Cluster, stop func()) *testKafka {
	t.Helper()
	k := &testKafka{name: name, addrs: addrs, fake: fake, stop: stop}
	var err error
	k.cl, err = kgo.NewClient(
		kgo.SeedBrokers(k.addrs...),
		kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.ProducerLinger(0),
	)
	if err != nil {
		t.Fatalf("producer client: %v", err)
	}
	t.Cleanup(k.cl.Close)
	k.adm = kadm.NewClient(k.cl)
	return k
}

// createTopic creates a topic with the given partitions and configs.
func (k *testKafka) createTopic(t testing.TB, topic string, partitions int32, configs map[string]*string) {
	t.Helper()
	resp, err := k.adm.CreateTopic(ctxT(t), partitions, 1, configs, topic)
	if err == nil {
		err = resp.Err
	}
	if err != nil {
		t.Fatalf("create topic %s: %v", topic, err)
	}
}

// produceN produces n records to topic/partition with key "k<i>" and a
// value of size bytes that starts with "v<i>", where i counts from first.
func (k *testKafka) produceN(t testing.TB, topic string, partition int32, first, n, size int) {
	t.Helper()
	recs := make([]*kgo.Record, 0, n)
	for i := first; i < first+n; i++ {
		recs = append(recs, &kgo.Record{Topic: topic, Partition: partition, Key: fmt.Appendf(nil, "k%d", i), Value: testValue(i, size)})
	}
	k.produce(t, k.cl, recs...)
}

// produce produces records synchronously with cl.
func (k *testKafka) produce(t testing.TB, cl *kgo.Client, recs ...*kgo.Record) {
	t.Helper()
	const chunk = 10_000 // keeps the client's buffer bounded
	for len(recs) > 0 {
		n := min(chunk, len(recs))
		if err := cl.ProduceSync(ctxT(t), recs[:n]...).FirstErr(); err != nil {
			t.Fatalf("produce: %v", err)
		}
		recs = recs[n:]
	}
}

// testValue is record i's value: "v<i>" padded to size bytes.
func testValue(i, size int) []byte {
	v := fmt.Appendf(nil, "v%d", i)
	for len(v) < size {
		v = append(v, byte('a'+len(v)%26))
	}
	return v
}

// ctxT is a context that ends with the test or after a minute.
func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// row is one row read back from a record, for comparisons.
type row struct {
	Key, Value []byte
	Topic      string
	Partition  int32
	Offset     int64
	Timestamp  int64
	TSType     int32
	Headers    []kgo.RecordHeader // nil when the column is null or absent
}

// rowsOf reads a record of the Kafka schema into rows.
func rowsOf(rec arrow.RecordBatch) []row {
	n := int(rec.NumRows())
	key := rec.Column(0).(*array.Binary)
	value := rec.Column(1).(*array.Binary)
	topic := rec.Column(2).(*array.String)
	part := rec.Column(3).(*array.Int32)
	off := rec.Column(4).(*array.Int64)
	ts := rec.Column(5).(*array.Timestamp)
	tst := rec.Column(6).(*array.Int32)
	out := make([]row, n)
	for i := range n {
		r := row{Topic: topic.Value(i), Partition: part.Value(i), Offset: off.Value(i), Timestamp: int64(ts.Value(i)), TSType: tst.Value(i)}
		if key.IsValid(i) {
			r.Key = append([]byte{}, key.Value(i)...)
		}
		if value.IsValid(i) {
			r.Value = append([]byte{}, value.Value(i)...)
		}
		if rec.NumCols() > 7 {
			r.Headers = headersAt(rec.Column(7).(*array.List), i)
		}
		out[i] = r
	}
	return out
}

func headersAt(list *array.List, i int) []kgo.RecordHeader {
	if list.IsNull(i) {
		return nil
	}
	entries := list.ListValues().(*array.Struct)
	keys := entries.Field(0).(*array.String)
	values := entries.Field(1).(*array.Binary)
	start, end := list.ValueOffsets(i)
	var hs []kgo.RecordHeader
	for j := int(start); j < int(end); j++ {
		h := kgo.RecordHeader{Key: keys.Value(j)}
		if values.IsValid(j) {
			h.Value = append([]byte{}, values.Value(j)...)
		}
		hs = append(hs, h)
	}
	return hs
}

// readRange reads a range with a fresh checked allocator and returns its
// rows and how many records were emitted; it fails the test on a leak.
func readRange(t testing.TB, src *Source, rg batch.Range) ([]row, int, error) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r, err := src.OpenReaderWithAllocator(ctxT(t), mem)
	if err != nil {
		t.Fatalf("open reader: %v", err)
	}
	defer r.Close()
	return collect(ctxT(t), r, rg)
}

// collect reads rg with r into rows.
func collect(ctx context.Context, r *Reader, rg batch.Range) ([]row, int, error) {
	var (
		rows    []row
		records int
	)
	err := r.ReadRange(ctx, rg, func(rec arrow.RecordBatch) error {
		defer rec.Release()
		records++
		rows = append(rows, rowsOf(rec)...)
		return nil
	})
	return rows, records, err
}

// offsetsOf lists the offsets of rows.
func offsetsOf(rows []row) []int64 {
	out := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = r.Offset
	}
	return out
}

// offsetSpan is the offsets [from, until).
func offsetSpan(from, until int64) []int64 {
	out := make([]int64, 0, until-from)
	for o := from; o < until; o++ {
		out = append(out, o)
	}
	return out
}
