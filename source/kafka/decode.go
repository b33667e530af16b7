package kafka

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// decoded is one fetch's records, ready to be copied into Arrow. Keys,
// values and headers are spans of the fetch's (decompressed) buffers, so
// the records hold no pointers: gathering thousands of them costs the
// garbage collector nothing. Records are in offset order.
type decoded struct {
	bufs [][]byte
	recs []decodedRecord
	hdrs []decodedHeader
}

// decodedRecord is one Kafka record. Its headers are hdrs[hdr:hdr+nhdr].
type decodedRecord struct {
	key, value span
	offset     int64
	timestamp  int64 // Unix milliseconds
	tsType     int32 // 0 CreateTime, 1 LogAppendTime
	hdr, nhdr  int32
	size       int32 // key, value and header bytes
}

type decodedHeader struct{ key, value span }

// span is bufs[buf][off:off+n] of a decoded; n == -1 is null.
type span struct{ buf, off, n int32 }

// bytes returns the span's bytes, nil when null.
func (d *decoded) bytes(s span) []byte {
	if s.n < 0 {
		return nil
	}
	return d.bufs[s.buf][s.off : s.off+s.n]
}

var (
	castagnoli = crc32.MakeTable(crc32.Castagnoli)

	errCorrupt = errors.New("corrupt record batch")
)

// v2 record batch layout (KIP-98): the fixed header, then the records.
const (
	batchHeaderLen  = 61
	batchCRCStart   = 21 // the CRC covers attributes to the end
	attrCompression = 0x07
	attrLogAppend   = 0x08
	attrControl     = 0x20
)

// decodeBatches decodes the record batches of a fetch response from
// offset on. It returns the records at or after offset and the next offset
// to fetch: past every whole batch, including control batches (transaction
// markers) and batches left empty by compaction, which yield no record.
// A batch cut off at the end of the response (the broker fills up to the
// byte limit) ends decoding; the next fetch starts there. A batch that
// fails its CRC or does not parse is an error naming its offset.
//
// Message sets older than v2 (Kafka before 0.11) are decoded by
// franz-go instead.
func decodeBatches(raw []byte, offset int64, dec kgo.Decompressor) (*decoded, int64, error) {
	d := &decoded{}
	next := offset
	for len(raw) >= batchCRCStart+1 {
		if raw[16] != 2 {
			return decodeLegacy(raw, offset)
		}
		length := int64(int32(binary.BigEndian.Uint32(raw[8:]))) + 12
		if length < batchHeaderLen {
			return nil, 0, fmt.Errorf("%w at offset %d: length %d", errCorrupt, int64(binary.BigEndian.Uint64(raw)), length-12)
		}
		if int64(len(raw)) < length {
			break // cut off by the byte limit
		}
		batch := raw[:length]
		raw = raw[length:]
		last, err := d.addBatch(batch, offset, dec)
		if err != nil {
			if len(d.recs) > 0 && errors.Is(err, errDecompress) {
				break // a damaged tail; the next fetch asks again from here
			}
			return nil, 0, err
		}
		next = max(next, last+1)
	}
	return d, next, nil
}

var errDecompress = errors.New("cannot decompress record batch")

// addBatch checks one whole v2 batch and adds its records at or after
// offset; it returns the batch's last offset.
func (d *decoded) addBatch(b []byte, offset int64, dec kgo.Decompressor) (int64, error) {
	base := int64(binary.BigEndian.Uint64(b))
	crc := binary.BigEndian.Uint32(b[17:])
	attrs := int16(binary.BigEndian.Uint16(b[21:]))
	last := base + int64(int32(binary.BigEndian.Uint32(b[23:])))
	baseTS := int64(binary.BigEndian.Uint64(b[27:]))
	maxTS := int64(binary.BigEndian.Uint64(b[35:]))
	count := int32(binary.BigEndian.Uint32(b[57:]))
	switch {
	case crc32.Checksum(b[batchCRCStart:], castagnoli) != crc:
		return 0, fmt.Errorf("%w at offset %d: CRC mismatch", errCorrupt, base)
	case last < base || count < 0:
		return 0, fmt.Errorf("%w at offset %d: last offset %d, %d records", errCorrupt, base, last, count)
	case last < offset || attrs&attrControl != 0 || count == 0:
		return last, nil // before the fetch offset, a transaction marker, or compacted away
	}
	records := b[batchHeaderLen:]
	if codec := kgo.CompressionCodecType(attrs & attrCompression); codec != kgo.CodecNone {
		out, err := dec.Decompress(records, codec)
		if err != nil {
			return 0, fmt.Errorf("%w at offset %d (codec %d): %v", errDecompress, base, codec, err)
		}
		records = out
	}
	h := batchHead{base: base, last: last, baseTS: baseTS, maxTS: maxTS, logAppend: attrs&attrLogAppend != 0, from: offset}
	if err := d.addRecords(records, count, h); err != nil {
		return 0, err
	}
	return last, nil
}

// batchHead is what records need from their batch header.
type batchHead struct {
	base, last, baseTS, maxTS int64
	logAppend                 bool
	from                      int64 // records below are skipped
}

// addRecords parses count records of one batch.
func (d *decoded) addRecords(in []byte, count int32, h batchHead) error {
	buf := int32(len(d.bufs))
	d.bufs = append(d.bufs, in)
	if len(in) > 1<<31-1 {
		return fmt.Errorf("%w at offset %d: %d bytes of records", errCorrupt, h.base, len(in))
	}
	r := recordReader{in: in}
	for range count {
		rec, ok := r.record(d, buf, h)
		if !ok {
			return fmt.Errorf("%w at offset %d: a record does not parse", errCorrupt, h.base)
		}
		if rec.offset < h.base || rec.offset > h.last {
			return fmt.Errorf("%w at offset %d: record offset %d is outside the batch's [%d,%d]", errCorrupt, h.base, rec.offset, h.base, h.last)
		}
		if rec.offset >= h.from {
			d.recs = append(d.recs, rec)
		} else {
			d.hdrs = d.hdrs[:rec.hdr] // headers of a skipped record
		}
	}
	return nil
}

// recordReader walks the records of one decompressed batch.
type recordReader struct {
	in  []byte
	pos int
	bad bool
}

// record parses the next record (length, attributes, timestamp delta,
// offset delta, key, value, headers), adding its headers to d.
func (r *recordReader) record(d *decoded, buf int32, h batchHead) (decodedRecord, bool) {
	length := r.varint()
	end := r.pos + int(length)
	if r.bad || length < 0 || end > len(r.in) {
		return decodedRecord{}, false
	}
	r.pos++ // record attributes, unused
	tsDelta := r.varint()
	offDelta := r.varint()
	rec := decodedRecord{offset: h.base + offDelta, timestamp: h.baseTS + tsDelta, hdr: int32(len(d.hdrs))}
	if h.logAppend {
		rec.timestamp, rec.tsType = h.maxTS, 1
	}
	rec.key = r.span(buf)
	rec.value = r.span(buf)
	n := r.varint()
	if n < 0 || n > int64(end-r.pos) {
		return decodedRecord{}, false
	}
	for range n {
		hd := decodedHeader{key: r.span(buf), value: r.span(buf)}
		if hd.key.n < 0 {
			r.bad = true // a header key is never null
		}
		d.hdrs = append(d.hdrs, hd)
		rec.size += max(hd.key.n, 0) + max(hd.value.n, 0)
	}
	rec.nhdr = int32(n)
	rec.size += max(rec.key.n, 0) + max(rec.value.n, 0)
	if r.bad || r.pos != end {
		return decodedRecord{}, false
	}
	return rec, true
}

// varint reads one zigzag varint (Kafka's varint and varlong).
func (r *recordReader) varint() int64 {
	if r.bad || r.pos >= len(r.in) {
		r.bad = true
		return 0
	}
	v, n := binary.Varint(r.in[r.pos:])
	if n <= 0 {
		r.bad = true
		return 0
	}
	r.pos += n
	return v
}

// span reads a length-prefixed byte string (-1: null) as a span.
func (r *recordReader) span(buf int32) span {
	n := r.varint()
	switch {
	case r.bad:
		return span{}
	case n == -1:
		return span{buf: buf, n: -1}
	case n < -1 || n > int64(len(r.in)-r.pos):
		r.bad = true
		return span{}
	}
	s := span{buf: buf, off: int32(r.pos), n: int32(n)}
	r.pos += int(n)
	return s
}

// decodeLegacy decodes message sets v0 and v1 with franz-go, whose
// records then serve as the buffers.
func decodeLegacy(raw []byte, offset int64) (*decoded, int64, error) {
	rp := kmsg.NewFetchResponseTopicPartition()
	rp.RecordBatches = raw
	fp, next := kgo.ProcessFetchPartition(kgo.ProcessFetchPartitionOpts{Offset: offset}, &rp, kgo.DefaultDecompressor(), nil)
	if fp.Err != nil && len(fp.Records) == 0 {
		return nil, 0, fmt.Errorf("%w at offset %d: %v", errCorrupt, offset, fp.Err)
	}
	d := &decoded{}
	for _, r := range fp.Records {
		rec := decodedRecord{offset: r.Offset, timestamp: r.Timestamp.UnixMilli(), tsType: int32(max(r.Attrs.TimestampType(), 0)), hdr: int32(len(d.hdrs))}
		rec.key, rec.value = d.own(r.Key), d.own(r.Value)
		rec.size = max(rec.key.n, 0) + max(rec.value.n, 0)
		d.recs = append(d.recs, rec)
	}
	return d, next, nil
}

// own adds b as a buffer of its own and returns its span.
func (d *decoded) own(b []byte) span {
	if b == nil {
		return span{n: -1}
	}
	d.bufs = append(d.bufs, b)
	return span{buf: int32(len(d.bufs) - 1), n: int32(len(b))}
}
