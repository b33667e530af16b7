package kafka

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/spate-io/spate/engine"
)

// Record size limits: a record is cut at whichever comes first, so that
// downstream operators work on bounded batches.
const (
	defaultChunkRows  = 64 << 10
	defaultChunkBytes = 16 << 20 // key, value and header bytes
)

// recordBuilder turns Kafka records of one partition into Arrow records of
// engine.KafkaSchema. Values are copied straight from the fetch buffers
// into the column buffers; fixed-width columns are reserved per fetch, so
// appending a row allocates nothing.
type recordBuilder struct {
	rb        *array.RecordBuilder
	key       *array.BinaryBuilder
	value     *array.BinaryBuilder
	topic     *array.StringBuilder
	partition *array.Int32Builder
	offset    *array.Int64Builder
	timestamp *array.TimestampBuilder
	tsType    *array.Int32Builder
	headers   *headerBuilder // nil without IncludeHeaders

	rows  int
	bytes int
}

// headerBuilder appends one row's headers: null for none, as Spark does.
type headerBuilder struct {
	list  *array.ListBuilder
	entry *array.StructBuilder
	key   *array.StringBuilder
	value *array.BinaryBuilder
}

func newRecordBuilder(mem memory.Allocator, includeHeaders bool) *recordBuilder {
	schema := engine.KafkaSchema
	if includeHeaders {
		schema = engine.KafkaSchemaWithHeaders
	}
	rb := array.NewRecordBuilder(mem, schema)
	b := &recordBuilder{
		rb:        rb,
		key:       rb.Field(0).(*array.BinaryBuilder),
		value:     rb.Field(1).(*array.BinaryBuilder),
		topic:     rb.Field(2).(*array.StringBuilder),
		partition: rb.Field(3).(*array.Int32Builder),
		offset:    rb.Field(4).(*array.Int64Builder),
		timestamp: rb.Field(5).(*array.TimestampBuilder),
		tsType:    rb.Field(6).(*array.Int32Builder),
	}
	if includeHeaders {
		list := rb.Field(7).(*array.ListBuilder)
		entry := list.ValueBuilder().(*array.StructBuilder)
		b.headers = &headerBuilder{
			list:  list,
			entry: entry,
			key:   entry.FieldBuilder(0).(*array.StringBuilder),
			value: entry.FieldBuilder(1).(*array.BinaryBuilder),
		}
	}
	return b
}

// reserve makes room for recs, so the appends that follow do not grow
// buffers one row at a time.
func (b *recordBuilder) reserve(recs []*kgo.Record) {
	n := len(recs)
	var keyBytes, valueBytes int
	for _, r := range recs {
		keyBytes += len(r.Key)
		valueBytes += len(r.Value)
	}
	b.key.Reserve(n)
	b.value.Reserve(n)
	reserveData(b.key, keyBytes)
	reserveData(b.value, valueBytes)
	b.topic.Reserve(n)
	b.partition.Reserve(n)
	b.offset.Reserve(n)
	b.timestamp.Reserve(n)
	b.tsType.Reserve(n)
	if b.headers != nil {
		b.headers.list.Reserve(n)
	}
}

// reserveData grows a binary column's data geometrically: reserving the
// exact size each fetch would copy the whole buffer every time.
func reserveData(bb *array.BinaryBuilder, n int) {
	if free := bb.DataCap() - bb.DataLen(); free < n {
		bb.ReserveData(max(n, bb.DataCap()))
	}
}

// append adds one row; reserve must have made room for it.
func (b *recordBuilder) append(r *kgo.Record) {
	appendBytes(b.key, r.Key)
	appendBytes(b.value, r.Value)
	b.topic.Append(r.Topic)
	b.partition.UnsafeAppend(r.Partition)
	b.offset.UnsafeAppend(r.Offset)
	b.timestamp.UnsafeAppend(arrow.Timestamp(r.Timestamp.UnixMilli()))
	b.tsType.UnsafeAppend(int32(r.Attrs.TimestampType()))
	b.rows++
	b.bytes += len(r.Key) + len(r.Value)
	if b.headers != nil {
		b.bytes += b.headers.append(r.Headers)
	}
}

// appendBytes appends v, or null for a nil slice (Kafka's null key or
// value; an empty value is not null).
func appendBytes(bb *array.BinaryBuilder, v []byte) {
	if v == nil {
		bb.AppendNull()
		return
	}
	bb.Append(v)
}

// append adds one row of headers and returns their size in bytes.
func (h *headerBuilder) append(hs []kgo.RecordHeader) int {
	if len(hs) == 0 {
		h.list.AppendNull()
		return 0
	}
	h.list.Append(true)
	n := 0
	for _, hd := range hs {
		h.entry.Append(true)
		h.key.Append(hd.Key)
		appendBytes(h.value, hd.Value)
		n += len(hd.Key) + len(hd.Value)
	}
	return n
}

// full says whether the record being built reached a size limit.
func (b *recordBuilder) full(maxRows, maxBytes int) bool {
	return b.rows >= maxRows || b.bytes >= maxBytes
}

// finish returns the rows appended so far as a record (the caller owns it)
// and starts the next one.
func (b *recordBuilder) finish() arrow.RecordBatch {
	b.rows, b.bytes = 0, 0
	return b.rb.NewRecordBatch()
}

// release frees the builder's buffers.
func (b *recordBuilder) release() { b.rb.Release() }
