package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/spate-io/spate/internal/parquetlog"
)

// This file reads the _spate_log of spate's Parquet sink (sink/parquet),
// the way Spark reads _spark_metadata: the committed files are the latest
// compaction's plus those of every batch manifest after it. The engine
// cannot import sink/parquet (it imports the engine); both read the log
// with internal/parquetlog, so they list the same files.

// spateLog is what a sink's _spate_log says.
type spateLog struct {
	// files are the committed files, relative to the sink's folder, by
	// batch, then in commit order.
	files []string
	// partitionTypes are the types of the partition columns, from the
	// query's schema the log records.
	partitionTypes map[string]arrow.DataType
}

// hasSpateLog reports whether dir holds a _spate_log folder.
func hasSpateLog(dir string) (bool, error) {
	st, err := os.Stat(parquetlog.Dir(dir))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("engine: ReadParquet: %v", err)
	}
	return st.IsDir(), nil
}

// readSpateLog reads root's _spate_log. A compaction running at the same
// time may delete manifests it listed; the reader then lists again, a
// few times.
func readSpateLog(root string) (*spateLog, error) {
	lg, err := parquetlog.Reader{}.Read(root)
	if err != nil {
		return nil, fmt.Errorf("engine: ReadParquet: %w", err)
	}
	l := &spateLog{partitionTypes: partitionTypes(lg)}
	for _, f := range lg.Files {
		l.files = append(l.files, filepath.FromSlash(f.RelPath))
	}
	return l, nil
}

// partitionTypes are the types the log's schema gives the partition
// columns, for those that can be read from folder names.
func partitionTypes(lg *parquetlog.Log) map[string]arrow.DataType {
	out := map[string]arrow.DataType{}
	if lg.Schema == nil {
		return out
	}
	for _, col := range lg.PartitionBy {
		for _, f := range lg.Schema.Fields() {
			if f.Name != col {
				continue
			}
			if hint := partitionHintType(f.Type); hint != nil {
				out[col] = hint
			}
		}
	}
	return out
}
