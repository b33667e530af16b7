package log

import (
	"fmt"
	"math"
	"time"
)

// TimestampType is a topic's message.timestamp.type.
type TimestampType int8

const (
	// CreateTime keeps the producer's timestamps (Kafka's default).
	CreateTime TimestampType = 0
	// LogAppendTime stamps every batch with the broker's clock at append.
	LogAppendTime TimestampType = 1
)

func (t TimestampType) String() string {
	if t == LogAppendTime {
		return "LogAppendTime"
	}
	return "CreateTime"
}

// Config is the per-partition log configuration, the storage subset of a
// Kafka topic's configs. The zero value of a field means "the default" where
// the comment says so; DefaultConfig returns every default filled in.
type Config struct {
	// SegmentBytes rolls a new segment when the active one would grow past it
	// (segment.bytes). The default is 1 GiB; at most 2 GiB - 1 because index
	// positions are 32-bit.
	SegmentBytes int64
	// SegmentMs rolls the active segment when its first batch is older than
	// this many milliseconds (segment.ms). The default is 7 days.
	SegmentMs int64
	// RetentionMs deletes whole segments whose newest timestamp is older than
	// this many milliseconds (retention.ms). -1 keeps forever. The default
	// (0 here) is 7 days.
	RetentionMs int64
	// RetentionBytes deletes the oldest whole segments while the partition is
	// larger than this (retention.bytes). The default (0 here) is -1:
	// unlimited.
	RetentionBytes int64
	// MaxMessageBytes is the largest record batch accepted
	// (max.message.bytes). The default is 1048588, Kafka's.
	MaxMessageBytes int32
	// IndexIntervalBytes adds an offset and time index entry after at least
	// this many bytes of batches (index.interval.bytes). The default is 4096.
	IndexIntervalBytes int32
	// MaxIndexEntries rolls a segment when its offset index has this many
	// entries (segment.index.bytes / 8). The default is 1310720 (10 MiB).
	MaxIndexEntries int32
	// FlushMessages fsyncs the active segment after this many records
	// (flush.messages). The default, 0, never forces a flush: durability
	// comes from replication and the OS writes the page cache back, as in
	// Kafka. Segments are always fsynced when they roll and at Close.
	FlushMessages int64
	// FlushInterval fsyncs the active segment when the last flush is older
	// than this (flush.ms), checked at append and by the maintenance tick.
	// The default, 0, never forces a flush.
	FlushInterval time.Duration
	// TimestampType is message.timestamp.type. The default is CreateTime.
	TimestampType TimestampType
	// ProducerIDExpirationMs forgets an idempotent producer that has not
	// written for this long (producer.id.expiration.ms). The default is 1 day.
	ProducerIDExpirationMs int64

	// CleanupPolicy is cleanup.policy: CleanupDelete (the default) deletes
	// old segments by retention.ms and retention.bytes; CleanupCompact keeps
	// the latest record of every key instead and ignores both;
	// CleanupCompact|CleanupDelete does both.
	CleanupPolicy CleanupPolicy
	// MinCleanableDirtyRatio starts a compaction when the part of the log
	// not yet compacted is more than this fraction of the compactable log
	// (min.cleanable.dirty.ratio). The default is 0.5; a negative value
	// means 0 (compact whenever anything is dirty), since 0 here means the
	// default.
	MinCleanableDirtyRatio float64
	// MinCompactionLag keeps a record uncompacted for at least this long
	// after it was written (min.compaction.lag.ms): a segment whose newest
	// timestamp is younger is not compacted yet. The default is 0.
	MinCompactionLag time.Duration
	// MaxCompactionLag compacts a record at most this long after it was
	// written, whatever the dirty ratio (max.compaction.lag.ms); the active
	// segment rolls when it is older, so its records become compactable.
	// The default, 0, is Kafka's Long.MAX_VALUE: no bound.
	MaxCompactionLag time.Duration
	// DeleteRetention keeps a tombstone (a record with a null value) this
	// long after the compaction that first saw it (delete.retention.ms), so
	// consumers reading the log get to see the delete. The default is
	// 1 day; a negative value means 0 (the next compaction drops it),
	// since 0 here means the default.
	DeleteRetention time.Duration
}

// Defaults of Config, Kafka's values.
const (
	DefaultSegmentBytes           = 1 << 30
	DefaultSegmentMs              = 7 * 24 * 60 * 60 * 1000
	DefaultRetentionMs            = 7 * 24 * 60 * 60 * 1000
	DefaultMaxMessageBytes        = 1048588
	DefaultIndexIntervalBytes     = 4096
	DefaultMaxIndexEntries        = 10 << 20 / offsetIndexEntrySize
	DefaultProducerIDExpirationMs = 24 * 60 * 60 * 1000
	DefaultMinCleanableDirtyRatio = 0.5
	DefaultDeleteRetention        = 24 * time.Hour
)

// DefaultConfig returns the configuration with every default filled in.
func DefaultConfig() Config {
	return Config{}.withDefaults()
}

// Over returns c with its zero fields taken from base: a topic's overrides
// over the broker's defaults.
func (c Config) Over(base Config) Config {
	pick := func(v, b int64) int64 {
		if v == 0 {
			return b
		}
		return v
	}
	c.SegmentBytes = pick(c.SegmentBytes, base.SegmentBytes)
	c.SegmentMs = pick(c.SegmentMs, base.SegmentMs)
	c.RetentionMs = pick(c.RetentionMs, base.RetentionMs)
	c.RetentionBytes = pick(c.RetentionBytes, base.RetentionBytes)
	c.MaxMessageBytes = int32(pick(int64(c.MaxMessageBytes), int64(base.MaxMessageBytes)))
	c.IndexIntervalBytes = int32(pick(int64(c.IndexIntervalBytes), int64(base.IndexIntervalBytes)))
	c.MaxIndexEntries = int32(pick(int64(c.MaxIndexEntries), int64(base.MaxIndexEntries)))
	c.FlushMessages = pick(c.FlushMessages, base.FlushMessages)
	c.FlushInterval = time.Duration(pick(int64(c.FlushInterval), int64(base.FlushInterval)))
	if c.TimestampType == CreateTime {
		c.TimestampType = base.TimestampType
	}
	c.ProducerIDExpirationMs = pick(c.ProducerIDExpirationMs, base.ProducerIDExpirationMs)
	if c.CleanupPolicy == 0 {
		c.CleanupPolicy = base.CleanupPolicy
	}
	if c.MinCleanableDirtyRatio == 0 {
		c.MinCleanableDirtyRatio = base.MinCleanableDirtyRatio
	}
	c.MinCompactionLag = time.Duration(pick(int64(c.MinCompactionLag), int64(base.MinCompactionLag)))
	c.MaxCompactionLag = time.Duration(pick(int64(c.MaxCompactionLag), int64(base.MaxCompactionLag)))
	c.DeleteRetention = time.Duration(pick(int64(c.DeleteRetention), int64(base.DeleteRetention)))
	return c
}

// withDefaults fills zero fields with their defaults.
func (c Config) withDefaults() Config {
	if c.SegmentBytes == 0 {
		c.SegmentBytes = DefaultSegmentBytes
	}
	if c.SegmentMs == 0 {
		c.SegmentMs = DefaultSegmentMs
	}
	if c.RetentionMs == 0 {
		c.RetentionMs = DefaultRetentionMs
	}
	if c.RetentionBytes == 0 {
		c.RetentionBytes = -1
	}
	if c.MaxMessageBytes == 0 {
		c.MaxMessageBytes = DefaultMaxMessageBytes
	}
	if c.IndexIntervalBytes == 0 {
		c.IndexIntervalBytes = DefaultIndexIntervalBytes
	}
	if c.MaxIndexEntries == 0 {
		c.MaxIndexEntries = DefaultMaxIndexEntries
	}
	if c.ProducerIDExpirationMs == 0 {
		c.ProducerIDExpirationMs = DefaultProducerIDExpirationMs
	}
	if c.CleanupPolicy == 0 {
		c.CleanupPolicy = CleanupDelete
	}
	if c.MinCleanableDirtyRatio == 0 {
		c.MinCleanableDirtyRatio = DefaultMinCleanableDirtyRatio
	}
	if c.DeleteRetention == 0 {
		c.DeleteRetention = DefaultDeleteRetention
	}
	return c
}

// Validate rejects impossible values with a sentence naming the Kafka config.
// Zero fields are valid (they mean the default).
func (c Config) Validate() error {
	d := c.withDefaults()
	switch {
	case d.SegmentBytes < batchHeaderSize || d.SegmentBytes > math.MaxInt32:
		return fmt.Errorf("log: segment.bytes %d must be between %d and %d", c.SegmentBytes, batchHeaderSize, math.MaxInt32)
	case d.SegmentMs < 1:
		return fmt.Errorf("log: segment.ms %d must be at least 1", c.SegmentMs)
	case d.RetentionMs < -1:
		return fmt.Errorf("log: retention.ms %d must be -1 (forever) or positive", c.RetentionMs)
	case d.RetentionBytes < -1:
		return fmt.Errorf("log: retention.bytes %d must be -1 (unlimited) or positive", c.RetentionBytes)
	case d.MaxMessageBytes < batchHeaderSize:
		return fmt.Errorf("log: max.message.bytes %d must be at least %d (one record batch header)", c.MaxMessageBytes, batchHeaderSize)
	case d.IndexIntervalBytes < 0:
		return fmt.Errorf("log: index.interval.bytes %d must not be negative", c.IndexIntervalBytes)
	case d.MaxIndexEntries < 4:
		return fmt.Errorf("log: segment.index.bytes allows %d index entries; it must allow at least 4", c.MaxIndexEntries)
	case c.FlushMessages < 0:
		return fmt.Errorf("log: flush.messages %d must not be negative", c.FlushMessages)
	case c.FlushInterval < 0:
		return fmt.Errorf("log: flush.ms %v must not be negative", c.FlushInterval)
	case c.TimestampType != CreateTime && c.TimestampType != LogAppendTime:
		return fmt.Errorf("log: message.timestamp.type %d is neither CreateTime (0) nor LogAppendTime (1)", c.TimestampType)
	case d.ProducerIDExpirationMs < 1:
		return fmt.Errorf("log: producer.id.expiration.ms %d must be at least 1", c.ProducerIDExpirationMs)
	}
	return c.validateCompaction()
}

// validateCompaction checks the cleanup.policy and log cleaner fields.
func (c Config) validateCompaction() error {
	switch {
	case c.CleanupPolicy&^(CleanupDelete|CleanupCompact) != 0:
		return fmt.Errorf("log: cleanup.policy %d is not a combination of delete (%d) and compact (%d)", c.CleanupPolicy, CleanupDelete, CleanupCompact)
	case c.MinCleanableDirtyRatio > 1 || math.IsNaN(c.MinCleanableDirtyRatio):
		return fmt.Errorf("log: min.cleanable.dirty.ratio %v must be between 0 and 1", c.MinCleanableDirtyRatio)
	case c.MinCompactionLag < 0:
		return fmt.Errorf("log: min.compaction.lag.ms %d must not be negative", c.MinCompactionLag.Milliseconds())
	case c.MaxCompactionLag < 0:
		return fmt.Errorf("log: max.compaction.lag.ms %d must be positive", c.MaxCompactionLag.Milliseconds())
	case c.MaxCompactionLag > 0 && c.MaxCompactionLag < c.MinCompactionLag:
		return fmt.Errorf("log: max.compaction.lag.ms %d is below min.compaction.lag.ms %d; raise the maximum or lower the minimum",
			c.MaxCompactionLag.Milliseconds(), c.MinCompactionLag.Milliseconds())
	}
	return nil
}
