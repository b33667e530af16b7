// Package log is the durable, segmented partition log of spate's
// Kafka-protocol broker: Kafka's log semantics on local files.
//
// A partition is a folder of segments. Segment <baseOffset>.log (20 digits)
// holds v2 record batches exactly as the producer sent them, with the base
// offset (and leader epoch) assigned in place; those fields are outside the
// CRC32C, so batches are never re-encoded. Beside it, a sparse .index
// (offset -> byte position) and .timeindex (largest timestamp -> offset) one
// entry per IndexIntervalBytes, <offset>.snapshot files of the idempotent
// producer state, and the checkpoints leader-epoch-checkpoint,
// log-start-offset-checkpoint and recovery-point-offset-checkpoint.
// EncodeCheckpointFile and DecodeCheckpointFile are the text format of
// Kafka's checkpoint files, which the broker's replication-offset-checkpoint
// shares with leader-epoch-checkpoint.
//
// # Usage
//
// The broker opens its data folder once (an exclusive lock keeps a second
// broker out) and a Log per partition; a topic's configs override the
// broker's defaults field by field (Config.Over):
//
//	m, err := blog.OpenManager("/var/lib/spate", blog.Config{SegmentBytes: 256 << 20})
//	l, err := m.Create("clicks", 3, blog.Config{RetentionMs: 3600_000})
//	stop := m.StartMaintenance(30 * time.Second) // retention, compaction, flush.ms, idle producers
//	defer stop()
//	defer m.Close()
//
// A single partition can also be opened alone with blog.Open(dir, cfg).
//
// Produce hands the request's records bytes to Append. The offsets are
// assigned in place (the slice is modified) and errors map to Kafka codes
// with errors.Is:
//
//	res, err := l.Append(records, blog.AppendOptions{LeaderEpoch: epoch})
//	switch {
//	case errors.Is(err, blog.ErrUnsupportedMagic):     // UNSUPPORTED_FOR_MESSAGE_FORMAT
//	case errors.Is(err, blog.ErrBatchTooLarge):        // MESSAGE_TOO_LARGE
//	case errors.Is(err, blog.ErrCorruptBatch):         // CORRUPT_MESSAGE
//	case errors.Is(err, blog.ErrOutOfOrderSequence):   // OUT_OF_ORDER_SEQUENCE_NUMBER
//	case errors.Is(err, blog.ErrInvalidProducerEpoch): // INVALID_PRODUCER_EPOCH
//	}
//	// res.BaseOffset, res.LogAppendTime, res.LogStartOffset; res.Duplicate
//	// is true for a retried idempotent batch (original offsets, not re-appended).
//
// Fetch reads whole batches as file ranges and sends them with sendfile:
//
//	r, err := l.ReadUntil(fetchOffset, partitionMaxBytes, highWatermark)
//	if errors.Is(err, blog.ErrOffsetOutOfRange) { ... } // OFFSET_OUT_OF_RANGE
//	defer r.Close()                 // releases the files; exactly once
//	// write the response up to the records length (r.Size), flush, then
//	_, err = r.WriteTo(conn)        // sendfile(2) on a *net.TCPConn
//	// or b, err := r.Bytes() to copy them.
//
// A long poll waits for new data without polling:
//
//	ch := l.EndOffsetChanged() // take it before reading the end offset
//	if l.LogEndOffset() <= fetchOffset {
//		select { case <-ch: case <-time.After(maxWait): }
//	}
//
// A topic with cleanup.policy=compact (Config.CleanupPolicy, or the Kafka
// keys through Config.ApplyTopicConfigs) keeps the latest record of every
// key instead of deleting by age and size; Maintain compacts when a round
// is due, Compact forces one:
//
//	var cfg blog.Config
//	err := cfg.ApplyTopicConfigs(map[string]string{"cleanup.policy": "compact"})
//	stats, err := l.Compact() // stats.RecordsRead, RecordsKept, BytesWritten ...
//
// ListOffsets uses LogStartOffset, LogEndOffset, OffsetForTimestamp and
// MaxTimestamp. Replication uses AppendReplicated (offsets kept), Truncate,
// Reset, EndOffsetForEpoch, SetRetentionLimit (the high watermark) and
// ReadUntil with the log end offset.
//
// # Guarantees
//
// One writer at a time per partition (calls are serialised inside), any
// number of concurrent readers. A ReadResult holds a reference on each file
// it names: retention may delete the segment and Close may close the log
// meanwhile, the ranges stay readable until the result is closed. Truncate
// is the exception: bytes cut from the active segment are gone for readers
// too (Kafka behaves the same way).
//
// # Compaction
//
// Kafka's log cleaner. The log is split at the first dirty offset (kept in
// cleaner-offset-checkpoint): below it records were compacted. A round
// maps the keys of the dirty records of sealed, fsynced segments below the
// retention limit (the high watermark) to their latest offsets (a map of
// at most WithCompactionMapKeys keys, 128-bit hashes), then rewrites every
// segment from the log start through the mapped ones, in groups that fit
// segment.bytes, keeping a record only if no later record of its key was
// mapped. Offsets never change: batches keep their base offset and
// lastOffsetDelta, so compacted logs have gaps, as Kafka's do. Compressed
// batches are decompressed and rewritten with their codec; keyless records
// are dropped (Kafka refuses them in compacted topics); batches whose
// records cannot be read, control and transactional batches are kept
// whole. The newest batch of each idempotent producer is kept, empty if
// need be, so a retry after compaction is still deduplicated. A tombstone
// (null value) is kept for delete.retention.ms after the round that first
// keeps it: that round stamps the batch with its delete horizon (KIP-534:
// attribute bit 6, the horizon as base timestamp, record timestamps
// unchanged); a round is due when a horizon passes. The active segment is
// never compacted; min.compaction.lag.ms holds young segments back,
// max.compaction.lag.ms forces a round (and rolls the active segment).
//
// Rounds run without holding up appends: the segments are read and written
// beside the log, then swapped in group by group under the log's locks. A
// swap is crash safe (Kafka's protocol): <base>.log.cleaned and its indexes
// are fsynced, renamed to .swap (the .log last: the commit), the old
// segments renamed to .deleted and removed, the .swap files renamed into
// place. Open removes .cleaned files and completes a committed .swap.
// Readers holding the old segments keep reading them.
//
// Durability follows Kafka: appends are written with one write(2) and left
// to the OS (FlushMessages and FlushInterval force fsyncs); a segment is
// fsynced when it rolls (in the background, so appends never wait for it)
// and at Close. After a crash, Open validates every batch not known to be
// durable and truncates a torn tail of the active segment; damage inside a
// sealed segment is refused with a *CorruptFileError, never dropped
// silently. Idempotent producer state survives restarts, so a retry after a
// restart is still deduplicated.
package log
