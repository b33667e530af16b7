// Package kafka is spate's Kafka source: Spark Structured Streaming's Kafka
// source for spate, reading spate's embedded broker or any Kafka cluster
// with franz-go.
//
// # Usage
//
//	src := kafka.Subscribe("clicks").
//		Brokers("127.0.0.1:9092").
//		StartingOffsets(kafka.Earliest).
//		MaxOffsetsPerTrigger(100_000)
//	df := engine.NewSession("clicks-per-minute").ReadStream(src)
//
// SubscribePattern(regex) reads every topic whose whole name matches,
// evaluated again at each batch; Assign(map[string][]int32) reads exact
// partitions. Rows have Spark's Kafka columns (engine.KafkaSchema): key,
// value, topic, partition, offset, timestamp (ms, UTC), timestampType, and
// headers with IncludeHeaders(true).
//
// The source's Options marshal to the plan's JSON and Decode (registered
// as kind "kafka") reads them back; offsets are Spark's
// {"topic":{"partition":offset}} with -2 for earliest and -1 for latest.
//
// # Driver side
//
// OpenStream returns a Stream that lists offsets with kadm: InitialOffsets
// resolves StartingOffsets / StartingTimestamp(s), LatestOffsets lists the
// high watermark of every partition read now (new topics and partitions
// included), EarliestOffsets the log starts. A partition that disappears or
// whose end goes back between two listings is data loss: an error with
// FailOnDataLoss(true) (the default), a warning otherwise, in which case the
// planner sees the partition gone or below its last end and should restart
// it from EarliestOffsets.
//
// Commit writes a batch's end offsets to the query's consumer group with a
// plain OffsetCommit (no membership, generation -1), so `spate lag` and
// kadm.Lag show the query's progress. The group is GroupID(...) or, by
// default, "spate-<query name>": the driver tells the source the query's
// name before OpenStream by calling
//
//	if named, ok := src.(interface {
//		WithQueryName(string) engine.StreamSource
//	}); ok {
//		src = named.WithQueryName(query.Name)
//	}
//
// # Executor side
//
// OpenReader returns a Reader that reads exact ranges [From, Until) with
// Fetch requests to each partition's leader. The reader decodes the v2
// record batches itself (CRC-32C checked, decompressed with franz-go's
// codecs, transaction markers passed over) into pointer-free spans of the
// fetch buffers, and copies them into Arrow columns allocated once at
// their exact size: records of at most 64Ki rows or 16 MiB of data. The
// decoder knows the exact next offset to fetch, so a range ends when that
// offset reaches Until even when no record sits at Until-1 (a commit
// marker, a compacted-away record). That is why the reader issues its own
// fetches instead of polling a kgo consumer: the consumer hides its fetch
// position, prefetches past Until, and repositioning one partition
// (SetOffsets) restarts fetching for all of them. Reads are
// read_uncommitted, Spark's default: records of aborted transactions are
// read too.
//
// A Reader keeps one kgo client for its broker list for its lifetime: warm
// connections, negotiated versions and cached leaders, so a task's first
// fetch costs one round trip. Reuse is safe because every fetch carries its
// own partition and offset (a sessionless fetch, KIP-227 epoch -1; with
// one partition per request a fetch session would save nothing) and the
// client is safe for concurrent use: ranges of different partitions may be
// read at the same time, and a range that starts where the last one ended
// simply fetches from there. Within a range the next fetch is in flight
// while the previous one is decoded and copied into Arrow.
//
// Offsets below the log start (retention, DeleteRecords) or past a
// truncated end fail the range with a *DataLossError naming the topic,
// partition and lost offsets; with FailOnDataLoss(false) they are skipped,
// logged and counted in Reader.Stats. Unreachable brokers fail OpenStream
// and OpenReader within RequestTimeout with an *UnreachableError; a range
// that makes no progress fails after PollTimeout.
package kafka
