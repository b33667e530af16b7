package log

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"
)

// Layout of a v2 record batch header (Kafka's DefaultRecordBatch). All
// integers are big endian. The CRC32C covers bytes from attributes to the end
// of the batch, so baseOffset and partitionLeaderEpoch can be rewritten in
// place without recomputing it.
const (
	offBaseOffset      = 0
	offLength          = 8
	offLeaderEpoch     = 12
	offMagic           = 16
	offCRC             = 17
	offAttributes      = 21
	offLastOffsetDelta = 23
	offFirstTimestamp  = 27
	offMaxTimestamp    = 35
	offProducerID      = 43
	offProducerEpoch   = 51
	offBaseSequence    = 53
	offRecordCount     = 57

	// batchHeaderSize is the size of the header up to the first record.
	batchHeaderSize = 61
	// batchOverhead is the part of a batch outside its Length field.
	batchOverhead = 12
	// minBatchLength is the smallest legal Length field (a batch of 0 records).
	minBatchLength = batchHeaderSize - batchOverhead

	attrCompressionMask = 0x07
	attrLogAppendTime   = 0x08
	attrTransactional   = 0x10
	attrControl         = 0x20
	// attrDeleteHorizon marks a batch whose firstTimestamp is the delete
	// horizon of its tombstones, set by the compaction that first kept them
	// (KIP-534); record timestamps stay firstTimestamp + delta.
	attrDeleteHorizon = 0x40
)

// NoLeaderEpoch, NoProducerID, NoProducerEpoch and NoSequence are the "unset"
// values of the batch header fields, as Kafka writes them.
const (
	NoLeaderEpoch   int32 = -1
	NoProducerID    int64 = -1
	NoProducerEpoch int16 = -1
	NoSequence      int32 = -1
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// ErrTruncatedBatch: the bytes end inside a batch. errors.Is(err,
// ErrCorruptBatch) is also true. A Fetch response may legally end with a
// partial batch (the reader skips it); an append or a segment may not.
var ErrTruncatedBatch = fmt.Errorf("%w: the bytes end inside a record batch", ErrCorruptBatch)

// Compression is the codec of a batch's records (attributes bits 0-2).
type Compression int8

// Compression codecs, Kafka's numbering.
const (
	CompressionNone   Compression = 0
	CompressionGzip   Compression = 1
	CompressionSnappy Compression = 2
	CompressionLz4    Compression = 3
	CompressionZstd   Compression = 4
)

// BatchHeader is the fixed 61-byte header of a v2 record batch.
type BatchHeader struct {
	BaseOffset           int64
	Length               int32 // bytes after the Length field; the batch is Length+12 bytes
	PartitionLeaderEpoch int32
	Magic                int8
	CRC                  uint32
	Attributes           int16
	LastOffsetDelta      int32
	FirstTimestamp       int64
	MaxTimestamp         int64
	ProducerID           int64
	ProducerEpoch        int16
	BaseSequence         int32
	RecordCount          int32
}

// Size is the whole batch's size in bytes.
func (h BatchHeader) Size() int { return int(h.Length) + batchOverhead }

// LastOffset is the offset of the batch's last record.
func (h BatchHeader) LastOffset() int64 { return h.BaseOffset + int64(h.LastOffsetDelta) }

// NextOffset is the offset after the batch.
func (h BatchHeader) NextOffset() int64 { return h.LastOffset() + 1 }

// Compression is the records' codec.
func (h BatchHeader) Compression() Compression {
	return Compression(h.Attributes & attrCompressionMask)
}

// TimestampType says whether MaxTimestamp is the producer's or the broker's.
func (h BatchHeader) TimestampType() TimestampType {
	if h.Attributes&attrLogAppendTime != 0 {
		return LogAppendTime
	}
	return CreateTime
}

// IsTransactional reports the transactional attribute bit.
func (h BatchHeader) IsTransactional() bool { return h.Attributes&attrTransactional != 0 }

// IsControl reports the control attribute bit (transaction markers).
func (h BatchHeader) IsControl() bool { return h.Attributes&attrControl != 0 }

// DeleteHorizon is when compaction may drop the batch's tombstones (ms),
// ok false when no compaction has set it yet.
func (h BatchHeader) DeleteHorizon() (int64, bool) {
	if h.Attributes&attrDeleteHorizon == 0 {
		return 0, false
	}
	return h.FirstTimestamp, true
}

// HasProducerID reports whether the batch comes from an idempotent or
// transactional producer.
func (h BatchHeader) HasProducerID() bool { return h.ProducerID >= 0 }

// LastSequence is the sequence number of the batch's last record, with
// Kafka's int32 wrap-around (the sequence after MaxInt32 is 0).
func (h BatchHeader) LastSequence() int32 {
	return addSequence(h.BaseSequence, h.LastOffsetDelta)
}

// addSequence adds delta (>= 0) to seq wrapping from MaxInt32 to 0.
func addSequence(seq, delta int32) int32 {
	if seq < 0 {
		return seq
	}
	if seq > math.MaxInt32-delta {
		return delta - (math.MaxInt32 - seq) - 1
	}
	return seq + delta
}

// ParseBatchHeader decodes the header at the start of b. It checks only what
// the header itself can tell: enough bytes for a header, magic 2, a Length
// that is not below the header size, and non-negative counts. It does not
// look at the CRC or at whether b holds the whole batch; see CheckBatch.
func ParseBatchHeader(b []byte) (BatchHeader, error) {
	var h BatchHeader
	if len(b) <= offMagic {
		return h, &BatchError{Pos: 0, Reason: fmt.Sprintf("only %d bytes, a batch header is %d", len(b), batchHeaderSize), Err: ErrTruncatedBatch}
	}
	h.Magic = int8(b[offMagic])
	if h.Magic != 2 {
		return h, &BatchError{Pos: 0, Reason: fmt.Sprintf("magic is %d", h.Magic), Err: ErrUnsupportedMagic}
	}
	if len(b) < batchHeaderSize {
		return h, &BatchError{Pos: 0, Reason: fmt.Sprintf("only %d bytes, a batch header is %d", len(b), batchHeaderSize), Err: ErrTruncatedBatch}
	}
	decodeHeader(&h, b)
	switch {
	case h.Length < minBatchLength:
		return h, &BatchError{Reason: fmt.Sprintf("length %d is below the header size %d", h.Length, minBatchLength), Err: ErrCorruptBatch}
	case h.LastOffsetDelta < 0:
		return h, &BatchError{Reason: fmt.Sprintf("lastOffsetDelta %d is negative", h.LastOffsetDelta), Err: ErrCorruptBatch}
	case h.RecordCount < 0:
		return h, &BatchError{Reason: fmt.Sprintf("record count %d is negative", h.RecordCount), Err: ErrCorruptBatch}
	}
	return h, nil
}

// decodeHeader fills h from the first batchHeaderSize bytes of b.
func decodeHeader(h *BatchHeader, b []byte) {
	be := binary.BigEndian
	h.BaseOffset = int64(be.Uint64(b[offBaseOffset:]))
	h.Length = int32(be.Uint32(b[offLength:]))
	h.PartitionLeaderEpoch = int32(be.Uint32(b[offLeaderEpoch:]))
	h.Magic = int8(b[offMagic])
	h.CRC = be.Uint32(b[offCRC:])
	h.Attributes = int16(be.Uint16(b[offAttributes:]))
	h.LastOffsetDelta = int32(be.Uint32(b[offLastOffsetDelta:]))
	h.FirstTimestamp = int64(be.Uint64(b[offFirstTimestamp:]))
	h.MaxTimestamp = int64(be.Uint64(b[offMaxTimestamp:]))
	h.ProducerID = int64(be.Uint64(b[offProducerID:]))
	h.ProducerEpoch = int16(be.Uint16(b[offProducerEpoch:]))
	h.BaseSequence = int32(be.Uint32(b[offBaseSequence:]))
	h.RecordCount = int32(be.Uint32(b[offRecordCount:]))
}

// CheckBatch parses the batch at the start of b and verifies that b holds all
// of it, that it is at most maxSize bytes (0: no limit) and that its CRC32C
// matches. It returns the header; the batch is b[:h.Size()].
func CheckBatch(b []byte, maxSize int) (BatchHeader, error) {
	h, err := ParseBatchHeader(b)
	if err != nil {
		return h, err
	}
	size := h.Size()
	if maxSize > 0 && size > maxSize {
		return h, &BatchError{Reason: fmt.Sprintf("the batch is %d bytes, the limit (max.message.bytes) is %d", size, maxSize), Err: ErrBatchTooLarge}
	}
	if size > len(b) {
		return h, &BatchError{Reason: fmt.Sprintf("the batch is %d bytes but only %d remain", size, len(b)), Err: ErrTruncatedBatch}
	}
	if got := batchCRC(b[:size]); got != h.CRC {
		return h, &BatchError{Reason: fmt.Sprintf("CRC32C is 0x%08x, the header says 0x%08x", got, h.CRC), Err: ErrCorruptBatch}
	}
	return h, nil
}

// VerifyCRC checks the CRC32C of the whole batch b.
func VerifyCRC(b []byte) error {
	if len(b) < batchHeaderSize {
		return &BatchError{Reason: fmt.Sprintf("only %d bytes, a batch header is %d", len(b), batchHeaderSize), Err: ErrTruncatedBatch}
	}
	want := binary.BigEndian.Uint32(b[offCRC:])
	if got := batchCRC(b); got != want {
		return &BatchError{Reason: fmt.Sprintf("CRC32C is 0x%08x, the header says 0x%08x", got, want), Err: ErrCorruptBatch}
	}
	return nil
}

// batchCRC computes the CRC32C a whole batch should carry.
func batchCRC(b []byte) uint32 { return crc32.Checksum(b[offAttributes:], castagnoli) }

// SetBaseOffset rewrites a batch's base offset in place (not covered by the CRC).
func SetBaseOffset(b []byte, offset int64) {
	binary.BigEndian.PutUint64(b[offBaseOffset:], uint64(offset))
}

// SetPartitionLeaderEpoch rewrites a batch's partitionLeaderEpoch in place
// (not covered by the CRC).
func SetPartitionLeaderEpoch(b []byte, epoch int32) {
	binary.BigEndian.PutUint32(b[offLeaderEpoch:], uint32(epoch))
}

// SetLogAppendTime marks a whole batch b as LogAppendTime with MaxTimestamp
// ts and recomputes its CRC, as Kafka's broker does in place for topics with
// message.timestamp.type=LogAppendTime. Records keep their deltas; readers
// take every record's timestamp from MaxTimestamp.
func SetLogAppendTime(b []byte, ts int64) {
	be := binary.BigEndian
	attrs := be.Uint16(b[offAttributes:]) | attrLogAppendTime
	be.PutUint16(b[offAttributes:], attrs)
	be.PutUint64(b[offMaxTimestamp:], uint64(ts))
	be.PutUint32(b[offCRC:], batchCRC(b))
}

// BatchReader iterates the record batches in a byte slice without copying:
//
//	r := log.NewBatchReader(b)
//	for r.Next() {
//		h, batch := r.Header(), r.Batch()
//	}
//	if err := r.Err(); err != nil { ... }
//
// It checks each batch's structure (header, length within the bytes) but not
// its CRC; call VerifyCRC on r.Batch() when that matters. Iteration stops at
// the first bad batch; Err says why and Pos where.
type BatchReader struct {
	b    []byte
	pos  int
	next int
	h    BatchHeader
	err  error
}

// NewBatchReader returns a reader over b.
func NewBatchReader(b []byte) BatchReader { return BatchReader{b: b} }

// Next advances to the next batch; false at the end or on an error.
func (r *BatchReader) Next() bool {
	if r.err != nil || r.next >= len(r.b) {
		return false
	}
	r.pos = r.next
	rest := r.b[r.pos:]
	h, err := ParseBatchHeader(rest)
	if err == nil && h.Size() > len(rest) {
		err = &BatchError{Reason: fmt.Sprintf("the batch is %d bytes but only %d remain", h.Size(), len(rest)), Err: ErrTruncatedBatch}
	}
	if err != nil {
		r.err = atPos(err, r.pos)
		return false
	}
	r.h = h
	r.next = r.pos + h.Size()
	return true
}

// Header is the current batch's header.
func (r *BatchReader) Header() BatchHeader { return r.h }

// Batch is the current batch's bytes (a sub-slice of the input).
func (r *BatchReader) Batch() []byte { return r.b[r.pos:r.next] }

// Pos is the current batch's byte position in the input.
func (r *BatchReader) Pos() int { return r.pos }

// Err is the reason iteration stopped early, nil at a clean end. It wraps
// ErrTruncatedBatch when the input ends inside a batch.
func (r *BatchReader) Err() error { return r.err }

// atPos sets the byte position of a *BatchError.
func atPos(err error, pos int) error {
	if be, ok := err.(*BatchError); ok {
		be.Pos = pos
	}
	return err
}
