// Package parquet is spate's Parquet file sink: a streaming query's output
// written as Parquet files under one folder, exactly once.
//
// # Usage
//
//	q, err := session.ReadStream(kafka.Subscribe("clicks")).
//		WriteStream(parquet.Sink("out/clicks").
//			PartitionBy("date").
//			Compression("zstd").
//			MaxFileRows(5_000_000).
//			Dictionary("topic")).
//		Checkpoint("ckpt/clicks").
//		Start(ctx)
//
//	files, err := parquet.CommittedFiles("out/clicks") // what the log says is committed
//
// # Layout
//
//	out/clicks/date=2024-01-02/part-00007-00001-000.parquet
//	out/clicks/_spate_log/7.json      batch 7's files
//	out/clicks/_spate_log/9.compact   every live file up to batch 9
//	out/clicks/_spate_tmp/8/...       temp files and intent records of batch 8
//
// A file is named part-<batch>-<task>-<n>.parquet: batch and task
// zero-padded to five digits, n (the file's number within its task and
// folder) to three; wider numbers keep all their digits. Partition folders
// are Hive-style col=value, escaped as Hive and Spark escape them (%2F for
// "/", %3D for "=", ...), with null and "" written as
// __HIVE_DEFAULT_PARTITION__. Partition columns are not written inside the
// files.
//
// # Exactly once
//
// A task writes its files under _spate_tmp/<batch> (fsynced), records its
// intent (the files it will publish), then renames every file to its final
// name and fsyncs the folders. The names and the bytes depend only on the
// batch, the task and the rows in order: the writer re-cuts incoming records
// into chunks whose boundaries depend on row positions alone, and nothing
// time- or run-dependent goes into a file. A replayed batch therefore
// rewrites the same files with the same bytes, and a plain glob reader
// (DuckDB's read_parquet('out/**/*.parquet')) never sees a record twice.
//
// The driver's CommitBatch then writes _spate_log/<N>.json atomically
// (temp, fsync, rename, fsync of the folder), removes files an earlier
// attempt of the batch published but this one did not (from the intent
// records), removes the staging folders of batches up to N, and every
// ManifestCompactInterval batches writes <N>.compact with every live file
// and deletes the log files older than the previous compaction, so the
// log's file count stays bounded. ManifestRetention additionally bounds
// the files listed (the files stay on disk), as Spark's file sink retention.
//
// CommittedFiles and ReadLog read the log: the latest compaction and the
// batch manifests after it. The log's format and reader are
// internal/parquetlog's, which the engine's ReadParquet reads it with too.
package parquet
