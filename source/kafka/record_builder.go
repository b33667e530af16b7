package kafka

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
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

// rows are the records of one Arrow record, as the runs of consecutive
// records that fetches returned (so gathering them writes no pointer per
// record).
type rows [][]*kgo.Record

func (rs rows) len() int {
	n := 0
	for _, run := range rs {
		n += len(run)
	}
	return n
}

// each calls fn for every record in order.
func (rs rows) each(fn func(i int, r *kgo.Record)) {
	i := 0
	for _, run := range rs {
		for _, r := range run {
			fn(i, r)
			i++
		}
	}
}

// buildRecord copies Kafka records of one partition into one Arrow record
// of engine.KafkaSchema (with headers when asked). It measures every column
// first and allocates each buffer once at its exact size, then copies keys
// and values straight from the fetch buffers: no builder growth, no buffer
// copied twice, nothing allocated per row.
func buildRecord(mem memory.Allocator, rs rows, headers bool) arrow.RecordBatch {
	cb := columnBuilder{mem: mem, rs: rs, n: rs.len()}
	defer cb.release()
	schema := engine.KafkaSchema
	cols := []arrow.Array{
		cb.nullable(func(r *kgo.Record) []byte { return r.Key }),
		cb.nullable(func(r *kgo.Record) []byte { return r.Value }),
		varLen(&cb, arrow.BinaryTypes.String, func(r *kgo.Record) string { return r.Topic }, nil),
		cb.int32s(arrow.PrimitiveTypes.Int32, func(r *kgo.Record) int32 { return r.Partition }),
		cb.int64s(arrow.PrimitiveTypes.Int64, func(r *kgo.Record) int64 { return r.Offset }),
		cb.int64s(engine.KafkaTimestampType, func(r *kgo.Record) int64 { return r.Timestamp.UnixMilli() }),
		cb.int32s(arrow.PrimitiveTypes.Int32, func(r *kgo.Record) int32 { return int32(r.Attrs.TimestampType()) }),
	}
	if headers {
		schema = engine.KafkaSchemaWithHeaders
		cols = append(cols, cb.headers())
	}
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	return array.NewRecordBatch(schema, cols, int64(cb.n))
}

// recordBytes is the key, value and header bytes of a record, what the
// chunk byte limit counts.
func recordBytes(r *kgo.Record) int {
	n := len(r.Key) + len(r.Value)
	for _, h := range r.Headers {
		n += len(h.Key) + len(h.Value)
	}
	return n
}

// columnBuilder allocates column buffers from mem and releases its own
// references once the arrays hold theirs.
type columnBuilder struct {
	mem   memory.Allocator
	rs    rows
	n     int // rows in rs
	owned []*memory.Buffer
}

func (cb *columnBuilder) alloc(size int) *memory.Buffer {
	buf := memory.NewResizableBuffer(cb.mem)
	buf.Resize(size)
	cb.owned = append(cb.owned, buf)
	return buf
}

func (cb *columnBuilder) release() {
	for _, b := range cb.owned {
		b.Release()
	}
}

// validity returns a bitmap of valid(r) for every row, or nil and 0 when
// every row is valid.
func (cb *columnBuilder) validity(valid func(*kgo.Record) bool) (*memory.Buffer, int) {
	nulls := 0
	cb.rs.each(func(_ int, r *kgo.Record) {
		if !valid(r) {
			nulls++
		}
	})
	if nulls == 0 {
		return nil, 0
	}
	buf := cb.alloc(int(bitutil.BytesForBits(int64(cb.n))))
	bits := buf.Bytes()
	clear(bits)
	cb.rs.each(func(i int, r *kgo.Record) {
		if valid(r) {
			bitutil.SetBit(bits, i)
		}
	})
	return buf, nulls
}

// varLen builds a binary or string column of one value per row. valid is
// nil for a column without nulls.
func varLen[T string | []byte](cb *columnBuilder, dt arrow.DataType, value func(*kgo.Record) T, valid func(*kgo.Record) bool) arrow.Array {
	size := 0
	cb.rs.each(func(_ int, r *kgo.Record) { size += len(value(r)) })
	var (
		validBuf *memory.Buffer
		nulls    int
	)
	if valid != nil {
		validBuf, nulls = cb.validity(valid)
	}
	offsetsBuf, dataBuf := cb.alloc((cb.n+1)*arrow.Int32SizeBytes), cb.alloc(size)
	offsets := arrow.Int32Traits.CastFromBytes(offsetsBuf.Bytes())
	data := dataBuf.Bytes()
	pos := 0
	cb.rs.each(func(i int, r *kgo.Record) {
		offsets[i] = int32(pos)
		pos += copy(data[pos:], value(r))
	})
	offsets[cb.n] = int32(pos)
	d := array.NewData(dt, cb.n, []*memory.Buffer{validBuf, offsetsBuf, dataBuf}, nil, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

// nullable builds a binary column where a nil slice is null (Kafka's null
// key or value; an empty value is not null).
func (cb *columnBuilder) nullable(value func(*kgo.Record) []byte) arrow.Array {
	return varLen(cb, arrow.BinaryTypes.Binary, value, func(r *kgo.Record) bool { return value(r) != nil })
}

func (cb *columnBuilder) int32s(dt arrow.DataType, field func(*kgo.Record) int32) arrow.Array {
	buf := cb.alloc(cb.n * arrow.Int32SizeBytes)
	vals := arrow.Int32Traits.CastFromBytes(buf.Bytes())
	cb.rs.each(func(i int, r *kgo.Record) { vals[i] = field(r) })
	return cb.fixed(dt, buf)
}

func (cb *columnBuilder) int64s(dt arrow.DataType, field func(*kgo.Record) int64) arrow.Array {
	buf := cb.alloc(cb.n * arrow.Int64SizeBytes)
	vals := arrow.Int64Traits.CastFromBytes(buf.Bytes())
	cb.rs.each(func(i int, r *kgo.Record) { vals[i] = field(r) })
	return cb.fixed(dt, buf)
}

func (cb *columnBuilder) fixed(dt arrow.DataType, values *memory.Buffer) arrow.Array {
	d := array.NewData(dt, cb.n, []*memory.Buffer{nil, values}, nil, 0, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

// headers builds the headers column: a list of (key, value) structs per
// row, null for a record without headers, as Spark does. The entries are
// a column builder of their own over one pseudo-record per header.
func (cb *columnBuilder) headers() arrow.Array {
	offsetsBuf := cb.alloc((cb.n + 1) * arrow.Int32SizeBytes)
	offsets := arrow.Int32Traits.CastFromBytes(offsetsBuf.Bytes())
	var flat []*kgo.Record
	cb.rs.each(func(i int, r *kgo.Record) {
		offsets[i] = int32(len(flat))
		for _, h := range r.Headers {
			flat = append(flat, &kgo.Record{Key: []byte(h.Key), Value: h.Value})
		}
	})
	offsets[cb.n] = int32(len(flat))
	valid, nulls := cb.validity(func(r *kgo.Record) bool { return len(r.Headers) > 0 })

	hb := columnBuilder{mem: cb.mem, rs: rows{flat}, n: len(flat)}
	defer hb.release()
	keys := varLen(&hb, arrow.BinaryTypes.String, func(r *kgo.Record) []byte { return r.Key }, nil)
	defer keys.Release()
	values := hb.nullable(func(r *kgo.Record) []byte { return r.Value })
	defer values.Release()
	entries := array.NewData(engine.KafkaHeaderType, len(flat), []*memory.Buffer{nil}, []arrow.ArrayData{keys.Data(), values.Data()}, 0, 0)
	defer entries.Release()
	d := array.NewData(engine.KafkaHeadersType, cb.n, []*memory.Buffer{valid, offsetsBuf}, []arrow.ArrayData{entries}, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d)
}
