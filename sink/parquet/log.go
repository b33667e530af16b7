package parquet

import (
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/spate-io/spate/internal/parquetlog"
)

// ErrNoLog is returned (wrapped) by ReadLog and CommittedFiles for a folder
// without _spate_log: not a spate Parquet sink's output, or one that has
// not committed a batch yet.
var ErrNoLog = parquetlog.ErrNoLog

// Log is what _spate_log says about a sink's output: the output schema
// (partition columns included; nil when no task has written yet), the
// partition columns in folder order, the last committed batch (-1 when
// none) and the committed files, by batch, then in commit order.
type Log = parquetlog.Log

// File is one committed output file: its path (the sink root joined with
// RelPath), its path relative to the sink root as _spate_log records it
// (slash separated), the batch that wrote it, its rows and bytes, and the
// values of its partition columns, in order.
type File = parquetlog.File

// logReader reads the log checking every entry against the names the
// sink gives files: CommitBatch deletes files by these paths, so nothing
// outside the sink's own files may pass.
var logReader = parquetlog.Reader{CheckFile: func(batch int64, f parquetlog.FileEntry, partitionBy []string) error {
	return validateEntry(f, batch, -1, partitionBy)
}}

// CommittedFiles lists the files of the batches committed under root, as
// _spate_log records them (latest compaction plus the batches after it).
// Files of uncommitted or replaced attempts are not listed, so a reader of
// exactly these files sees every committed record once.
func CommittedFiles(root string) ([]File, error) {
	l, err := ReadLog(root)
	if err != nil {
		return nil, err
	}
	return l.Files, nil
}

// ReadLog reads _spate_log under root. A compaction running at the same
// time may delete files it listed; it then lists again (a few times).
func ReadLog(root string) (*Log, error) {
	l, err := logReader.Read(root)
	return l, logError(err)
}

// logError gives an error of the log's reader the package prefix.
func logError(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("parquet: %w", err)
}

func listLog(root string) (parquetlog.Listing, error) {
	ls, err := parquetlog.List(root)
	return ls, logError(err)
}

// readManifest reads and checks N.json or N.compact.
func readManifest(root string, n int64, compact bool) (*parquetlog.Manifest, *arrow.Schema, error) {
	m, schema, err := logReader.ReadManifest(root, n, compact)
	return m, schema, logError(err)
}

// latestManifest reads the newest manifest, or returns nil when the log is
// missing or empty.
func latestManifest(root string) (*parquetlog.Manifest, *arrow.Schema, error) {
	m, schema, err := logReader.Latest(root)
	return m, schema, logError(err)
}

// checkCommittedSchema refuses to write rows whose schema or partitioning
// differs from what the sink already committed: files of two schemas in
// one folder break readers.
func checkCommittedSchema(root string, schema *arrow.Schema, partitionBy []string) error {
	m, committed, err := latestManifest(root)
	if err != nil || m == nil {
		return err
	}
	if !slices.Equal(m.PartitionBy, partitionBy) {
		return fmt.Errorf("parquet: %s is partitioned by [%s], the query by [%s]; write to a new path to change the partitioning", root, strings.Join(m.PartitionBy, ", "), strings.Join(partitionBy, ", "))
	}
	if committed == nil {
		return nil
	}
	if err := schemaDiff(committed, schema); err != nil {
		return fmt.Errorf("%w (the committed files under %s have the earlier schema; write to a new path to change it)", err, root)
	}
	return nil
}
