package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	pqa "github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/spate-io/spate/engine"
)

// bareETL reads every partition of topic from the start to the end with a
// kgo consumer and writes one Parquet file per partition with pqarrow, the
// same columns and settings as the etl job, and nothing else: the floor the
// engine is compared with.
func bareETL(b *testing.B, addr, topic, dir string) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	ends := endOffsets(b, addr, topic)
	offsets := map[int32]kgo.Offset{}
	for p := range ends {
		offsets[p] = kgo.NewOffset().At(0)
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: offsets}),
		kgo.FetchMaxBytes(64<<20), kgo.FetchMaxPartitionBytes(16<<20))
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	writers := map[int32]*bareWriter{}
	defer func() {
		for _, w := range writers {
			w.close(b)
		}
	}()
	remaining := len(ends)
	for remaining > 0 {
		fs := cl.PollFetches(ctx)
		if err := fs.Err0(); err != nil {
			b.Fatal(err)
		}
		fs.EachPartition(func(p kgo.FetchTopicPartition) {
			w := writers[p.Partition]
			if w == nil {
				w = newBareWriter(b, filepath.Join(dir, fmt.Sprintf("p%d.parquet", p.Partition)))
				writers[p.Partition] = w
			}
			for _, r := range p.Records {
				if r.Offset >= ends[p.Partition] {
					continue
				}
				w.add(b, r)
				if r.Offset == ends[p.Partition]-1 {
					remaining--
				}
			}
		})
	}
}

func endOffsets(b *testing.B, addr, topic string) map[int32]int64 {
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr))
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	listed, err := kadm.NewClient(cl).ListEndOffsets(context.Background(), topic)
	if err != nil {
		b.Fatal(err)
	}
	ends := map[int32]int64{}
	listed.Each(func(o kadm.ListedOffset) { ends[o.Partition] = o.Offset })
	return ends
}

// bareWriter builds the etl columns and writes a record every 16Ki rows.
type bareWriter struct {
	f   *os.File
	fw  *pqarrow.FileWriter
	bld *array.RecordBuilder
}

var bareSchema = arrow.NewSchema([]arrow.Field{
	{Name: "topic", Type: arrow.BinaryTypes.String},
	{Name: "partition", Type: arrow.PrimitiveTypes.Int32},
	{Name: "offset", Type: arrow.PrimitiveTypes.Int64},
	{Name: "timestamp", Type: engine.KafkaTimestampType},
	{Name: "key", Type: arrow.BinaryTypes.Binary, Nullable: true},
	{Name: "value", Type: arrow.BinaryTypes.Binary, Nullable: true},
}, nil)

func newBareWriter(b *testing.B, path string) *bareWriter {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	props := pqa.NewWriterProperties(pqa.WithCompression(compress.Codecs.Snappy), pqa.WithMaxRowGroupLength(1<<20),
		pqa.WithDictionaryDefault(false), pqa.WithDictionaryFor("topic", true))
	fw, err := pqarrow.NewFileWriter(bareSchema, f, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		b.Fatal(err)
	}
	return &bareWriter{f: f, fw: fw, bld: array.NewRecordBuilder(memory.DefaultAllocator, bareSchema)}
}

func (w *bareWriter) add(b *testing.B, r *kgo.Record) {
	w.bld.Field(0).(*array.StringBuilder).Append(r.Topic)
	w.bld.Field(1).(*array.Int32Builder).Append(r.Partition)
	w.bld.Field(2).(*array.Int64Builder).Append(r.Offset)
	w.bld.Field(3).(*array.TimestampBuilder).Append(arrow.Timestamp(r.Timestamp.UnixMilli()))
	w.bld.Field(4).(*array.BinaryBuilder).Append(r.Key)
	w.bld.Field(5).(*array.BinaryBuilder).Append(r.Value)
	if w.bld.Field(2).Len() >= 16<<10 {
		w.flush(b)
	}
}

func (w *bareWriter) flush(b *testing.B) {
	rec := w.bld.NewRecordBatch()
	defer rec.Release()
	if err := w.fw.WriteBuffered(rec); err != nil {
		b.Fatal(err)
	}
}

func (w *bareWriter) close(b *testing.B) {
	w.flush(b)
	if err := w.fw.Close(); err != nil {
		b.Fatal(err)
	}
	w.bld.Release()
}
