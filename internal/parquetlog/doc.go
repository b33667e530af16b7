// Package parquetlog is the format of _spate_log, the log in which spate's
// Parquet sink (sink/parquet) records its committed files, and its reader.
// The sink writes the log; the sink and the engine's ReadParquet read it
// with this one reader, so both always agree on what is committed.
//
// # Format
//
// _spate_log/<N>.json lists batch N's files; _spate_log/<N>.compact lists
// the files of every live batch up to N. Each is one JSON Manifest
// (Version 1) carrying the query's output schema as a Schema, a bounded
// description of an Arrow schema. A reader reads the latest compaction and
// every batch manifest after it, which must leave no gap (Spark's
// _spark_metadata works the same way).
//
// # Usage
//
//	l, err := parquetlog.Reader{}.Read("out/clicks")
//	for _, f := range l.Files {
//		// f.Path is committed: batch f.Batch wrote it.
//	}
//
// A writer that deletes files by the paths the log lists passes its own
// naming rules as Reader.CheckFile, so a damaged log names nothing else.
//
// Errors carry no package prefix: the sink and the engine add theirs
// ("parquet: ", "engine: ReadParquet: ").
package parquetlog
