package kafka

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spate-io/spate/engine"
)

// Record size limits: a record is cut at whichever comes first, so that
// downstream operators work on bounded batches.
const (
	defaultChunkRows  = 64 << 10
	defaultChunkBytes = 16 << 20 // key, value and header bytes
)

// segment is a run of consecutive records of one fetch.
type segment struct {
	d    *decoded
	recs []decodedRecord
}

// rows are the records of one Arrow record, as segments of fetches.
type rows []segment

func (rs rows) len() int {
	n := 0
	for _, s := range rs {
		n += len(s.recs)
	}
	return n
}

// buildRecord copies the records of one partition into one Arrow record of
// engine.KafkaSchema (with headers when asked). It measures every column
// first and allocates each buffer once at its exact size, then copies keys
// and values straight from the fetch buffers: no builder growth, no buffer
// copied twice, nothing allocated per row.
func buildRecord(mem memory.Allocator, topic string, partition int32, rs rows, headers bool) arrow.RecordBatch {
	cb := columnBuilder{mem: mem, n: rs.len()}
	defer cb.release()
	schema := engine.KafkaSchema
	cols := []arrow.Array{
		cb.bytesColumn(rs, func(r *decodedRecord) span { return r.key }),
		cb.bytesColumn(rs, func(r *decodedRecord) span { return r.value }),
		cb.constString(topic),
		cb.constInt32(partition),
		cb.int64s(arrow.PrimitiveTypes.Int64, rs, func(r *decodedRecord) int64 { return r.offset }),
		cb.int64s(engine.KafkaTimestampType, rs, func(r *decodedRecord) int64 { return r.timestamp }),
		cb.int32s(rs, func(r *decodedRecord) int32 { return r.tsType }),
	}
	if headers {
		schema = engine.KafkaSchemaWithHeaders
		cols = append(cols, cb.headers(rs))
	}
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	return array.NewRecordBatch(schema, cols, int64(cb.n))
}

// columnBuilder allocates column buffers from mem and releases its own
// references once the arrays hold theirs.
type columnBuilder struct {
	mem   memory.Allocator
	n     int // rows
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

func (cb *columnBuilder) array(dt arrow.DataType, n int, bufs []*memory.Buffer, children []arrow.ArrayData, nulls int) arrow.Array {
	d := array.NewData(dt, n, bufs, children, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

// bytesColumn builds a binary column from one span per record; a null
// span is a null value (Kafka's null key or value; empty is not null).
func (cb *columnBuilder) bytesColumn(rs rows, field func(*decodedRecord) span) arrow.Array {
	size, nulls := 0, 0
	for _, s := range rs {
		for i := range s.recs {
			if n := field(&s.recs[i]).n; n >= 0 {
				size += int(n)
			} else {
				nulls++
			}
		}
	}
	offsetsBuf, dataBuf := cb.alloc((cb.n+1)*arrow.Int32SizeBytes), cb.alloc(size)
	offsets, data := arrow.Int32Traits.CastFromBytes(offsetsBuf.Bytes()), dataBuf.Bytes()
	var validBuf *memory.Buffer
	var valid []byte
	if nulls > 0 {
		validBuf = cb.alloc(int(bitutil.BytesForBits(int64(cb.n))))
		valid = validBuf.Bytes()
		clear(valid)
	}
	row, pos := 0, 0
	for _, s := range rs {
		for i := range s.recs {
			offsets[row] = int32(pos)
			sp := field(&s.recs[i])
			if sp.n >= 0 {
				pos += copy(data[pos:], s.d.bufs[sp.buf][sp.off:sp.off+sp.n])
				if valid != nil {
					bitutil.SetBit(valid, row)
				}
			}
			row++
		}
	}
	offsets[cb.n] = int32(pos)
	return cb.array(arrow.BinaryTypes.Binary, cb.n, []*memory.Buffer{validBuf, offsetsBuf, dataBuf}, nil, nulls)
}

// constString builds a string column with the same value in every row.
func (cb *columnBuilder) constString(v string) arrow.Array {
	offsetsBuf, dataBuf := cb.alloc((cb.n+1)*arrow.Int32SizeBytes), cb.alloc(cb.n*len(v))
	offsets, data := arrow.Int32Traits.CastFromBytes(offsetsBuf.Bytes()), dataBuf.Bytes()
	for i := range cb.n {
		offsets[i] = int32(i * len(v))
		copy(data[i*len(v):], v)
	}
	offsets[cb.n] = int32(cb.n * len(v))
	return cb.array(arrow.BinaryTypes.String, cb.n, []*memory.Buffer{nil, offsetsBuf, dataBuf}, nil, 0)
}

// constInt32 builds an int32 column with the same value in every row.
func (cb *columnBuilder) constInt32(v int32) arrow.Array {
	buf := cb.alloc(cb.n * arrow.Int32SizeBytes)
	vals := arrow.Int32Traits.CastFromBytes(buf.Bytes())
	for i := range vals {
		vals[i] = v
	}
	return cb.array(arrow.PrimitiveTypes.Int32, cb.n, []*memory.Buffer{nil, buf}, nil, 0)
}

func (cb *columnBuilder) int32s(rs rows, field func(*decodedRecord) int32) arrow.Array {
	buf := cb.alloc(cb.n * arrow.Int32SizeBytes)
	vals := arrow.Int32Traits.CastFromBytes(buf.Bytes())
	row := 0
	for _, s := range rs {
		for i := range s.recs {
			vals[row] = field(&s.recs[i])
			row++
		}
	}
	return cb.array(arrow.PrimitiveTypes.Int32, cb.n, []*memory.Buffer{nil, buf}, nil, 0)
}

func (cb *columnBuilder) int64s(dt arrow.DataType, rs rows, field func(*decodedRecord) int64) arrow.Array {
	buf := cb.alloc(cb.n * arrow.Int64SizeBytes)
	vals := arrow.Int64Traits.CastFromBytes(buf.Bytes())
	row := 0
	for _, s := range rs {
		for i := range s.recs {
			vals[row] = field(&s.recs[i])
			row++
		}
	}
	return cb.array(dt, cb.n, []*memory.Buffer{nil, buf}, nil, 0)
}

// headers builds the headers column: a list of (key, value) structs per
// row, null for a record without headers, as Spark does.
func (cb *columnBuilder) headers(rs rows) arrow.Array {
	offsetsBuf := cb.alloc((cb.n + 1) * arrow.Int32SizeBytes)
	offsets := arrow.Int32Traits.CastFromBytes(offsetsBuf.Bytes())
	// The entries are a rows of their own: one pseudo-record per header,
	// key and value spans of the same fetch buffers.
	var entries rows
	total, nulls, row := 0, 0, 0
	for _, s := range rs {
		var flat []decodedRecord
		for i := range s.recs {
			r := &s.recs[i]
			offsets[row] = int32(total)
			if r.nhdr == 0 {
				nulls++
			}
			for _, h := range s.d.hdrs[r.hdr : r.hdr+r.nhdr] {
				flat = append(flat, decodedRecord{key: h.key, value: h.value})
			}
			total += int(r.nhdr)
			row++
		}
		entries = append(entries, segment{d: s.d, recs: flat})
	}
	offsets[cb.n] = int32(total)
	var validBuf *memory.Buffer
	if nulls > 0 {
		validBuf = cb.alloc(int(bitutil.BytesForBits(int64(cb.n))))
		valid := validBuf.Bytes()
		clear(valid)
		row = 0
		for _, s := range rs {
			for i := range s.recs {
				if s.recs[i].nhdr > 0 {
					bitutil.SetBit(valid, row)
				}
				row++
			}
		}
	}
	eb := columnBuilder{mem: cb.mem, n: total}
	defer eb.release()
	keys := eb.bytesColumn(entries, func(r *decodedRecord) span { return r.key })
	defer keys.Release()
	values := eb.bytesColumn(entries, func(r *decodedRecord) span { return r.value })
	defer values.Release()
	// Header keys are never null (the decoder refuses one), so the key
	// column's data is a valid string column's.
	keyStrings := array.NewData(arrow.BinaryTypes.String, total, keys.Data().Buffers(), nil, 0, 0)
	defer keyStrings.Release()
	entry := array.NewData(engine.KafkaHeaderType, total, []*memory.Buffer{nil}, []arrow.ArrayData{keyStrings, values.Data()}, 0, 0)
	defer entry.Release()
	return cb.array(engine.KafkaHeadersType, cb.n, []*memory.Buffer{validBuf, offsetsBuf}, []arrow.ArrayData{entry}, nulls)
}
