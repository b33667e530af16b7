package parquet

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/spate-io/spate/internal/parquetlog"
)

// taskCommit is the message a task's Commit returns and the driver passes
// to CommitBatch; the same JSON is the task's intent record. It shares the
// _spate_log types and version (parquetlog).
type taskCommit struct {
	Version     int                    `json:"version"`
	BatchID     int64                  `json:"batchId"`
	TaskID      int                    `json:"taskId"`
	Schema      *parquetlog.Schema     `json:"schema"`
	PartitionBy []string               `json:"partitionBy,omitempty"`
	Files       []parquetlog.FileEntry `json:"files"`
}

// partFileName matches the names the task writers give files.
var partFileName = regexp.MustCompile(`^part-([0-9]{5,18})-([0-9]{5,9})-([0-9]{3,9})\.parquet$`)

// validateEntry checks an entry names a file the sink wrote for the batch
// (and for the task, when task >= 0): a clean relative path whose folders
// are its partition values. CommitBatch deletes files by these paths, so
// nothing outside the sink's own files may pass. Its errors carry no
// prefix: they come wrapped in the reader's or the commit's.
func validateEntry(f parquetlog.FileEntry, batch int64, task int, partitionBy []string) error {
	bad := func(why string) error {
		return fmt.Errorf("bad file entry %q for batch %d: %s", f.Path, batch, why)
	}
	if f.Path == "" || path.IsAbs(f.Path) || path.Clean(f.Path) != f.Path || strings.Contains(f.Path, "\\") {
		return bad("the path must be clean, relative and slash separated")
	}
	dir, base := path.Split(f.Path)
	m := partFileName.FindStringSubmatch(base)
	if m == nil {
		return bad("the name is not part-<batch>-<task>-<n>.parquet")
	}
	if b, _ := strconv.ParseInt(m[1], 10, 64); b != batch {
		return bad("the name belongs to another batch")
	}
	if t, _ := strconv.Atoi(m[2]); task >= 0 && t != task {
		return bad(fmt.Sprintf("the name belongs to another task than %d", task))
	}
	if f.Rows <= 0 || f.Bytes <= 0 {
		return bad("rows and bytes must be positive")
	}
	if len(f.Partition) != len(partitionBy) {
		return bad(fmt.Sprintf("it has %d partition values for %d partition columns", len(f.Partition), len(partitionBy)))
	}
	for i, v := range f.Partition {
		if v.Column != partitionBy[i] || (v.Value != nil && *v.Value == "") {
			return bad("its partition values do not match the partition columns " + strings.Join(partitionBy, ", "))
		}
	}
	if want := partitionDir(f.Partition); strings.TrimSuffix(dir, "/") != want {
		return bad(fmt.Sprintf("its folder must be %q", want))
	}
	return nil
}

// decodeTaskCommit parses and checks one task's commit message for batch.
func decodeTaskCommit(raw []byte, batch int64, partitionBy []string) (*taskCommit, *arrow.Schema, error) {
	var c taskCommit
	if err := parquetlog.DecodeStrict(raw, &c); err != nil {
		return nil, nil, fmt.Errorf("parquet: task commit message is not valid JSON: %w", err)
	}
	if c.Version != parquetlog.Version {
		return nil, nil, fmt.Errorf("parquet: task commit message version %d is not supported (want %d); do the executors run another spate version than the driver?", c.Version, parquetlog.Version)
	}
	if c.BatchID != batch || c.TaskID < 0 {
		return nil, nil, fmt.Errorf("parquet: task commit message of batch %d task %d passed to the commit of batch %d", c.BatchID, c.TaskID, batch)
	}
	if !slices.Equal(c.PartitionBy, partitionBy) {
		return nil, nil, fmt.Errorf("parquet: task %d wrote partitions by [%s], the sink partitions by [%s]", c.TaskID, strings.Join(c.PartitionBy, ", "), strings.Join(partitionBy, ", "))
	}
	if c.Schema == nil {
		return nil, nil, fmt.Errorf("parquet: task %d's commit message has no schema", c.TaskID)
	}
	schema, err := c.Schema.Arrow()
	if err != nil {
		return nil, nil, fmt.Errorf("parquet: task %d: %w", c.TaskID, err)
	}
	for _, f := range c.Files {
		if err := validateEntry(f, batch, c.TaskID, partitionBy); err != nil {
			return nil, nil, fmt.Errorf("parquet: %w", err)
		}
	}
	return &c, schema, nil
}
