package testcluster

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	pq "github.com/parquet-go/parquet-go"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Record names one Kafka record.
type Record struct {
	Topic     string
	Partition int32
	Offset    int64
}

// Row is the part of a passthrough query's Parquet output the checks read:
// a plan that selects at least topic, partition, offset and value.
type Row struct {
	Topic     string `parquet:"topic"`
	Partition int32  `parquet:"partition"`
	Offset    int64  `parquet:"offset"`
	Value     []byte `parquet:"value"`
}

// CreateTopic creates a topic with the given partitions.
func CreateTopic(t testing.TB, brokers, topic string, partitions int32) {
	t.Helper()
	cl := client(t, brokers)
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := kadm.NewClient(cl).CreateTopic(ctx, partitions, 1, nil, topic)
	if err == nil {
		err = resp.Err
	}
	if err != nil {
		t.Fatalf("testcluster: creating topic %s: %v", topic, err)
	}
}

// Produce writes n records with values "v-<from+i>" round-robin over the
// topic's partitions and waits for every acknowledgement.
func Produce(t testing.TB, brokers, topic string, from, n int) {
	t.Helper()
	cl := client(t, brokers, kgo.DefaultProduceTopic(topic), kgo.RecordPartitioner(kgo.RoundRobinPartitioner()))
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	recs := make([]*kgo.Record, 0, n)
	for i := from; i < from+n; i++ {
		recs = append(recs, &kgo.Record{Value: fmt.Appendf(nil, "v-%d", i)})
	}
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatalf("testcluster: producing to %s: %v", topic, err)
	}
}

// BrokerRecords reads every record of topic from the broker: the truth an
// exactly-once output is compared with.
func BrokerRecords(t testing.TB, brokers, topic string) map[Record]string {
	t.Helper()
	ends := EndOffsets(t, brokers, topic)
	want := int64(0)
	for _, e := range ends {
		want += e
	}
	cl := client(t, brokers, kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out := make(map[Record]string, want)
	for int64(len(out)) < want {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("testcluster: read %d of %d records of %s: %v", len(out), want, topic, err)
		}
		fs.EachRecord(func(r *kgo.Record) {
			out[Record{r.Topic, r.Partition, r.Offset}] = string(r.Value)
		})
	}
	return out
}

// EndOffsets lists the end offset of every partition of topic.
func EndOffsets(t testing.TB, brokers, topic string) map[int32]int64 {
	t.Helper()
	cl := client(t, brokers)
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ends, err := kadm.NewClient(cl).ListEndOffsets(ctx, topic)
	if err == nil {
		err = ends.Error()
	}
	if err != nil {
		t.Fatalf("testcluster: end offsets of %s: %v", topic, err)
	}
	out := map[int32]int64{}
	ends.Each(func(o kadm.ListedOffset) { out[o.Partition] = o.Offset })
	return out
}

func client(t testing.TB, brokers string, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(strings.Split(brokers, ",")...)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

// ReadParquet reads every Parquet file under dir by plain glob
// (**/*.parquet), as a reader that knows nothing of spate's manifest
// would, with parquet-go/parquet-go. Folders starting with "_" (the
// checkpoint, the sink's log and staging) hold no data files.
func ReadParquet(t testing.TB, dir string) []Row {
	t.Helper()
	var rows []Row
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && path != dir && strings.HasPrefix(d.Name(), "_"):
			return filepath.SkipDir
		case d.IsDir() || !strings.HasSuffix(d.Name(), ".parquet") || strings.HasPrefix(d.Name(), "."):
			return nil
		}
		got, err := pq.ReadFile[Row](path)
		if err != nil {
			return fmt.Errorf("reading %s: %w", path, err)
		}
		rows = append(rows, got...)
		return nil
	})
	if err != nil {
		t.Fatalf("testcluster: %v", err)
	}
	return rows
}

// CheckExactlyOnce fails the test unless rows hold every record of want
// exactly once, with its value, and nothing else.
func CheckExactlyOnce(t testing.TB, want map[Record]string, rows []Row) {
	t.Helper()
	if problems := exactlyOnceProblems(want, rows); len(problems) > 0 {
		t.Fatalf("testcluster: output is not exactly the %d wanted records (%d rows):\n%s", len(want), len(rows), strings.Join(problems, "\n"))
	}
}

// exactlyOnceProblems lists the differences between rows and want: rows
// written twice, missing, unexpected, or with another value.
func exactlyOnceProblems(want map[Record]string, rows []Row) []string {
	seen := make(map[Record]int, len(rows))
	var problems []string
	for _, r := range rows {
		k := Record{r.Topic, r.Partition, r.Offset}
		seen[k]++
		if v, ok := want[k]; !ok {
			problems = append(problems, fmt.Sprintf("unexpected %v", k))
		} else if v != string(r.Value) {
			problems = append(problems, fmt.Sprintf("%v: value %q, want %q", k, r.Value, v))
		}
	}
	for k, n := range seen {
		if n > 1 {
			problems = append(problems, fmt.Sprintf("%v written %d times", k, n))
		}
	}
	for k := range want {
		if seen[k] == 0 {
			problems = append(problems, fmt.Sprintf("%v missing", k))
		}
	}
	sort.Strings(problems)
	if len(problems) > 20 {
		problems = append(problems[:20], fmt.Sprintf("... and %d more", len(problems)-20))
	}
	return problems
}
