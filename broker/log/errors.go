package log

import (
	"errors"
	"fmt"
)

// Sentinel errors that callers branch on with errors.Is. The comment of each
// names the Kafka error code the broker answers with.
var (
	// ErrUnsupportedMagic: a batch is not a v2 record batch (magic 0 or 1).
	// Kafka code: UNSUPPORTED_FOR_MESSAGE_FORMAT.
	ErrUnsupportedMagic = errors.New("log: record batch magic is not 2; only v2 record batches (Kafka 0.11+ clients) are supported")
	// ErrCorruptBatch: a batch is truncated, has an impossible length or header,
	// or its CRC32C does not match. Kafka code: CORRUPT_MESSAGE.
	ErrCorruptBatch = errors.New("log: corrupt record batch")
	// ErrBatchTooLarge: a batch is larger than Config.MaxMessageBytes.
	// Kafka code: MESSAGE_TOO_LARGE.
	ErrBatchTooLarge = errors.New("log: record batch too large")
	// ErrOffsetOutOfRange: an offset below the log start offset or above the
	// log end offset. Kafka code: OFFSET_OUT_OF_RANGE.
	ErrOffsetOutOfRange = errors.New("log: offset out of range")
	// ErrOutOfOrderSequence: an idempotent producer's batch does not follow its
	// previous sequence. Kafka code: OUT_OF_ORDER_SEQUENCE_NUMBER.
	ErrOutOfOrderSequence = errors.New("log: out of order sequence number")
	// ErrInvalidProducerEpoch: an idempotent producer wrote with an epoch older
	// than the one the partition has seen. Kafka code: INVALID_PRODUCER_EPOCH.
	ErrInvalidProducerEpoch = errors.New("log: invalid producer epoch")
	// ErrClosed: the log was closed (or deleted). Kafka code:
	// NOT_LEADER_OR_FOLLOWER is the usual answer, the replica is gone.
	ErrClosed = errors.New("log: log is closed")
	// ErrNonMonotonicOffset: a replicated append whose first offset is below
	// the log end offset. The follower must truncate first.
	ErrNonMonotonicOffset = errors.New("log: replicated batch offset is below the log end offset")
	// ErrInvalidRecord: a record a compacted topic cannot take (one without
	// a key). Kafka code: INVALID_RECORD.
	ErrInvalidRecord = errors.New("log: invalid record")
	// ErrCorruptLog: a file of the partition is damaged in a way recovery
	// must not repair silently (it would drop acknowledged data).
	ErrCorruptLog = errors.New("log: corrupt log")
)

// OffsetOutOfRangeError is returned by reads and deletions for an offset
// outside [LogStart, LogEnd]. errors.Is(err, ErrOffsetOutOfRange) is true.
type OffsetOutOfRangeError struct {
	Offset, LogStart, LogEnd int64
}

func (e *OffsetOutOfRangeError) Error() string {
	return fmt.Sprintf("log: offset %d is out of range: the log holds [%d, %d); reset the fetch offset to the log start or end",
		e.Offset, e.LogStart, e.LogEnd)
}

// Is makes errors.Is(err, ErrOffsetOutOfRange) true.
func (e *OffsetOutOfRangeError) Is(target error) bool { return target == ErrOffsetOutOfRange }

// BatchError describes a bad batch of an append: its position in the request
// bytes and why it was refused. It wraps one of ErrUnsupportedMagic,
// ErrCorruptBatch, ErrBatchTooLarge or ErrInvalidRecord.
type BatchError struct {
	Pos    int    // byte position of the batch in the appended bytes
	Reason string // a whole sentence fragment: "CRC32C 0x1234 does not match 0x5678"
	Err    error
}

func (e *BatchError) Error() string {
	return fmt.Sprintf("%v at byte %d: %s", e.Err, e.Pos, e.Reason)
}

func (e *BatchError) Unwrap() error { return e.Err }

// SequenceError describes an idempotent producer's refused batch. It wraps
// ErrOutOfOrderSequence or ErrInvalidProducerEpoch.
type SequenceError struct {
	ProducerID    int64
	ProducerEpoch int16
	FirstSeq      int32 // the batch's base sequence
	Reason        string
	Err           error
}

func (e *SequenceError) Error() string {
	return fmt.Sprintf("%v: producer %d epoch %d sequence %d: %s",
		e.Err, e.ProducerID, e.ProducerEpoch, e.FirstSeq, e.Reason)
}

func (e *SequenceError) Unwrap() error { return e.Err }

// CorruptFileError names a damaged file and where, for errors recovery must
// not repair. errors.Is(err, ErrCorruptLog) is true.
type CorruptFileError struct {
	Path   string
	Pos    int64 // byte position of the damage
	Offset int64 // the offset expected at Pos, -1 if unknown
	Reason string
}

func (e *CorruptFileError) Error() string {
	return fmt.Sprintf("log: %s is corrupt at byte %d (offset %d): %s; refusing to open the partition because "+
		"recovery would drop data after it: move the damaged file and every later segment aside, or restore the partition from a replica",
		e.Path, e.Pos, e.Offset, e.Reason)
}

// Is makes errors.Is(err, ErrCorruptLog) true.
func (e *CorruptFileError) Is(target error) bool { return target == ErrCorruptLog }
