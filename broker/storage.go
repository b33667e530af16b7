package broker

import (
	"errors"
	"time"
)

// partitionLog is what the API handlers need of one partition's log. The
// durable implementation is broker/log, adapted in logstore.go; keeping the
// handlers on this small interface keeps them readable and lets the
// replication layer wrap a partition later.
type partitionLog interface {
	// Append stores the produced record batches (one or more magic v2
	// batches, exactly as sent), assigning offsets. A batch already
	// appended by the same idempotent producer returns its original
	// offsets and is not stored again.
	Append(records []byte, now time.Time) (appendResult, error)
	// Read returns the stored batches from the one containing offset, up
	// to maxBytes but always at least one whole batch (KIP-74). Beyond the
	// end it returns nothing; below the log start it returns
	// errOffsetOutOfRange.
	Read(offset int64, maxBytes int32) ([]byte, error)
	// StartOffset and EndOffset are the log start offset and the log end
	// offset (the next offset to be assigned; the high watermark on a
	// single node).
	StartOffset() int64
	EndOffset() int64
	// OffsetForTimestamp is the first offset whose timestamp is at least
	// ts, with that timestamp; (-1, -1) when there is none.
	OffsetForTimestamp(ts int64) (offset, timestamp int64, err error)
}

// appendResult is where a produced batch landed.
type appendResult struct {
	BaseOffset    int64
	LastOffset    int64
	LogAppendTime int64 // -1 unless the topic uses LogAppendTime
	StartOffset   int64
}

// logStore opens, creates and deletes partition logs under the data folder.
type logStore interface {
	Open(topic string, partition int32, configs map[string]string) (partitionLog, error)
	Delete(topic string, partition int32) error
	Close() error
}

var errOffsetOutOfRange = errors.New("broker: offset out of range")
