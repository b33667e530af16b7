package log

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"sync"

	"github.com/twmb/franz-go/pkg/kgo"
)

// cleanRules are what one compaction round decides records by.
type cleanRules struct {
	// keys maps every key of the round's dirty records to its latest offset.
	keys *offsetMap
	// mapEnd is the offset after the mapped records; records at or after
	// it were not looked at this round and are kept.
	mapEnd int64
	// nowMs is the round's clock, for tombstone delete horizons.
	nowMs int64
	// deleteRetentionMs is how long a tombstone stays after the compaction
	// that first keeps it (>= 0).
	deleteRetentionMs int64
	// lastBatch maps each idempotent producer the partition knows to the
	// last offset of its newest batch: that batch is kept, empty if need
	// be, so the producer's last sequence survives (Kafka's RETAIN_EMPTY).
	lastBatch map[int64]int64
}

// keep decides one record at offset off of a batch whose tombstones may be
// dropped when expired is true.
func (c *cleanRules) keep(off int64, r *record, expired bool) bool {
	switch {
	case off >= c.mapEnd:
		return true
	case r.key == nil:
		return false // a keyless record has no place in a compacted log (Kafka drops it too)
	}
	if latest, ok := c.keys.get(r.key); ok && off < latest {
		return false // a later record of the key exists
	}
	return !(r.nullValue && expired)
}

// horizonAfter is the delete horizon of tombstones first kept now.
func (c *cleanRules) horizonAfter() int64 {
	if c.deleteRetentionMs > math.MaxInt64-c.nowMs {
		return math.MaxInt64
	}
	return c.nowMs + c.deleteRetentionMs
}

// isLastBatchOfProducer reports whether h is its producer's newest batch.
func (c *cleanRules) isLastBatchOfProducer(h *BatchHeader) bool {
	if !h.HasProducerID() {
		return false
	}
	last, ok := c.lastBatch[h.ProducerID]
	return ok && last == h.LastOffset()
}

// cleanResult is what cleaning did to one batch.
type cleanResult struct {
	// batch is what to write: the input itself when unchanged, nil to drop
	// it. It is valid until the cleaner's next call.
	batch   []byte
	changed bool
	// horizon is the delete horizon of the tombstones the batch keeps,
	// -1 when it keeps none.
	horizon int64
	// opaque is set when the records could not be read (a producer sent a
	// batch whose CRC is right but whose records are not): it is kept whole.
	opaque                bool
	recordsIn, recordsOut int
}

// batchCleaner cleans batches by its rules, reusing its buffers. It is
// used by one goroutine at a time.
type batchCleaner struct {
	rules cleanRules
	all   []record
	kept  []record
	body  []byte
	out   []byte
	zbuf  bytes.Buffer
	// unzip decompresses into unzipped, which the records in all point
	// into until the next parse.
	unzip    kgo.Decompressor
	unzipped []byte
}

// GetDecompressBytes and PutDecompressBytes make the cleaner its own
// decompression pool (kgo.PoolDecompressBytes): every batch decompresses
// into the same buffer.
func (c *batchCleaner) GetDecompressBytes([]byte, kgo.CompressionCodecType) []byte {
	return c.unzipped[:0]
}

// PutDecompressBytes is called only for a failed decompression.
func (c *batchCleaner) PutDecompressBytes([]byte) {}

// decompress decompresses a batch's records section.
func (c *batchCleaner) decompress(recs []byte, codec Compression) ([]byte, error) {
	if c.unzip == nil {
		c.unzip = kgo.DefaultDecompressor(c)
	}
	out, err := c.unzip.Decompress(recs, kgo.CompressionCodecType(codec))
	if err == nil && cap(out) > cap(c.unzipped) {
		c.unzipped = out[:0]
	}
	return out, err
}

// clean applies the rules to one whole, CRC-checked batch. Records keep
// their offsets (and the batch its base offset and lastOffsetDelta, so the
// producer's sequence range stays whole); a batch left with no records is
// dropped unless it is its producer's last. Control and transactional
// batches are kept whole until the broker has transactions.
func (c *batchCleaner) clean(batch []byte, h *BatchHeader) (cleanResult, error) {
	res := cleanResult{batch: batch, horizon: -1, recordsIn: int(h.RecordCount), recordsOut: int(h.RecordCount)}
	if h.IsControl() || h.IsTransactional() {
		return res, nil
	}
	if h.RecordCount == 0 {
		if !c.rules.isLastBatchOfProducer(h) {
			res.batch, res.changed = nil, true
		}
		return res, nil
	}
	if err := c.parse(batch, h); err != nil {
		res.opaque = true
		return res, nil
	}
	horizon, flagged := h.DeleteHorizon()
	expired := flagged && c.rules.nowMs >= horizon
	keptTombstone := false
	c.kept = c.kept[:0]
	for i := range c.all {
		r := &c.all[i]
		if c.rules.keep(h.BaseOffset+int64(r.offsetDelta), r, expired) {
			c.kept = append(c.kept, *r)
			keptTombstone = keptTombstone || r.nullValue
		}
	}
	res.recordsOut = len(c.kept)
	rebase := keptTombstone && !flagged
	if rebase {
		horizon = c.rules.horizonAfter()
	}
	if keptTombstone {
		res.horizon = horizon
	}
	if len(c.kept) == len(c.all) && !rebase {
		return res, nil
	}
	res.changed = true
	if len(c.kept) == 0 {
		res.batch = nil
		if c.rules.isLastBatchOfProducer(h) {
			res.batch = c.emptyBatch(batch, h)
		}
		return res, nil
	}
	var err error
	res.batch, err = c.rebuild(batch, h, rebase, horizon)
	return res, err
}

// parse decompresses the batch's records and parses exactly RecordCount of
// them into c.all, with offset deltas increasing within lastOffsetDelta.
func (c *batchCleaner) parse(batch []byte, h *BatchHeader) error {
	recs := batch[batchHeaderSize:]
	if codec := h.Compression(); codec != CompressionNone {
		var err error
		if recs, err = c.decompress(recs, codec); err != nil {
			return fmt.Errorf("%w: decompress: %v", ErrCorruptBatch, err)
		}
	}
	c.all = c.all[:0]
	prev := int32(-1)
	for range h.RecordCount {
		r, n, err := parseRecord(recs)
		if err != nil {
			return err
		}
		if r.offsetDelta <= prev || r.offsetDelta > h.LastOffsetDelta {
			return fmt.Errorf("%w: record offset delta %d does not follow %d within %d", ErrCorruptBatch, r.offsetDelta, prev, h.LastOffsetDelta)
		}
		prev = r.offsetDelta
		c.all = append(c.all, r)
		recs = recs[n:]
	}
	if len(recs) != 0 {
		return fmt.Errorf("%w: %d bytes after the last record", ErrCorruptBatch, len(recs))
	}
	return nil
}

// rebuild encodes the kept records as a new batch with the input's header
// fields (base offset, lastOffsetDelta, leader epoch, producer, sequence,
// codec). With rebase the batch gets the delete horizon as its base
// timestamp and the records new deltas from it.
func (c *batchCleaner) rebuild(batch []byte, h *BatchHeader, rebase bool, horizon int64) ([]byte, error) {
	c.body = c.body[:0]
	maxTs := int64(math.MinInt64)
	for i := range c.kept {
		r := &c.kept[i]
		ts := h.FirstTimestamp + r.tsDelta
		maxTs = max(maxTs, ts)
		if rebase {
			c.body = appendRebased(c.body, r, ts-horizon)
		} else {
			c.body = append(c.body, r.raw...)
		}
	}
	recs := c.body
	if codec := h.Compression(); codec != CompressionNone {
		var err error
		if recs, err = c.compress(codec, c.body); err != nil {
			return nil, err
		}
	}
	c.out = append(append(c.out[:0], batch[:batchHeaderSize]...), recs...)
	be := binary.BigEndian
	attrs := uint16(h.Attributes)
	if rebase {
		attrs |= attrDeleteHorizon
		be.PutUint64(c.out[offFirstTimestamp:], uint64(horizon))
	}
	be.PutUint16(c.out[offAttributes:], attrs)
	if h.TimestampType() == CreateTime {
		be.PutUint64(c.out[offMaxTimestamp:], uint64(maxTs))
	}
	be.PutUint32(c.out[offRecordCount:], uint32(len(c.kept)))
	be.PutUint32(c.out[offLength:], uint32(len(c.out)-batchOverhead))
	be.PutUint32(c.out[offCRC:], batchCRC(c.out))
	return c.out, nil
}

// emptyBatch is the input's header with no records, uncompressed (an empty
// compressed section would not decompress), both timestamps the input's
// MaxTimestamp: what Kafka writes for a producer's retained last batch.
func (c *batchCleaner) emptyBatch(batch []byte, h *BatchHeader) []byte {
	c.out = append(c.out[:0], batch[:batchHeaderSize]...)
	be := binary.BigEndian
	attrs := uint16(h.Attributes) &^ (attrCompressionMask | attrDeleteHorizon)
	be.PutUint16(c.out[offAttributes:], attrs)
	be.PutUint64(c.out[offFirstTimestamp:], uint64(h.MaxTimestamp))
	be.PutUint32(c.out[offRecordCount:], 0)
	be.PutUint32(c.out[offLength:], uint32(minBatchLength))
	be.PutUint32(c.out[offCRC:], batchCRC(c.out))
	return c.out
}

// compress compresses records with codec, as a producer would.
func (c *batchCleaner) compress(codec Compression, records []byte) ([]byte, error) {
	comp, err := compressorFor(codec)
	if err != nil {
		return nil, err
	}
	c.zbuf.Reset()
	out, used := comp.Compress(&c.zbuf, records)
	if used != kgo.CompressionCodecType(codec) || out == nil {
		return nil, fmt.Errorf("log: compressing %d bytes of records with codec %d failed", len(records), codec)
	}
	return out, nil
}

// compressors are kgo's codecs, made once each.
var compressors = [5]func() (kgo.Compressor, error){
	nil,
	sync.OnceValues(func() (kgo.Compressor, error) { return kgo.DefaultCompressor(kgo.GzipCompression()) }),
	sync.OnceValues(func() (kgo.Compressor, error) { return kgo.DefaultCompressor(kgo.SnappyCompression()) }),
	sync.OnceValues(func() (kgo.Compressor, error) { return kgo.DefaultCompressor(kgo.Lz4Compression()) }),
	sync.OnceValues(func() (kgo.Compressor, error) { return kgo.DefaultCompressor(kgo.ZstdCompression()) }),
}

func compressorFor(codec Compression) (kgo.Compressor, error) {
	if codec <= CompressionNone || int(codec) >= len(compressors) {
		return nil, fmt.Errorf("log: no compressor for codec %d", codec)
	}
	return compressors[codec]()
}
