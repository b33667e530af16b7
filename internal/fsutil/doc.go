// Package fsutil writes files so that a crash leaves the old content or
// the new, never a part: a temp file in the same folder, fsync, rename,
// fsync of the folder. The Parquet sink's log, the checkpoint and the
// broker's metadata files write with it.
//
// # Usage
//
//	err := fsutil.WriteAtomic("out/_spate_log/7.json", ".7.json.tmp-*", 0o600, data)
//
// A temp file's name is chosen by the caller's pattern, so each caller
// recognises (and deletes) what a cut-short write of its own left:
// IsTemp matches the names a pattern makes, RemoveTemps deletes them.
//
// Errors carry no package prefix: callers add theirs ("parquet: ",
// "checkpoint: ").
package fsutil
