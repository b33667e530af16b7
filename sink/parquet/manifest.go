package parquet

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// formatVersion is the version of the manifest and commit-message JSON.
const formatVersion = 1

// manifest is one file of _spate_log: <N>.json lists batch N's files;
// <N>.compact lists the files of every live batch up to N.
type manifest struct {
	Version     int      `json:"version"`
	Compact     bool     `json:"compact,omitempty"`
	PartitionBy []string `json:"partitionBy,omitempty"`
	// Schema is the query's output schema (partition columns included);
	// nil only while no task has ever reported one.
	Schema  *schemaJSON `json:"schema,omitempty"`
	Batches []logBatch  `json:"batches"`
}

// logBatch is one committed batch.
type logBatch struct {
	ID            int64       `json:"batchId"`
	CommittedAtMs int64       `json:"committedAtMs"`
	Files         []fileEntry `json:"files"`
}

// fileEntry is one output file: its path relative to the sink root (slash
// separated), rows, bytes and partition values.
type fileEntry struct {
	Path      string           `json:"path"`
	Rows      int64            `json:"rows"`
	Bytes     int64            `json:"bytes"`
	Partition []PartitionValue `json:"partition,omitempty"`
}

// taskCommit is the message a task's Commit returns and the driver passes
// to CommitBatch; the same JSON is the task's intent record.
type taskCommit struct {
	Version     int         `json:"version"`
	BatchID     int64       `json:"batchId"`
	TaskID      int         `json:"taskId"`
	Schema      *schemaJSON `json:"schema"`
	PartitionBy []string    `json:"partitionBy,omitempty"`
	Files       []fileEntry `json:"files"`
}

// decodeManifest parses and checks one _spate_log file's content.
func decodeManifest(data []byte) (*manifest, *arrow.Schema, error) {
	var m manifest
	if err := decodeStrict(data, &m); err != nil {
		return nil, nil, fmt.Errorf("parquet: manifest is not valid JSON: %w", err)
	}
	schema, err := m.validate()
	if err != nil {
		return nil, nil, err
	}
	return &m, schema, nil
}

func (m *manifest) validate() (*arrow.Schema, error) {
	if m.Version != formatVersion {
		return nil, fmt.Errorf("parquet: manifest version %d is not supported (this build reads version %d); was it written by a newer spate?", m.Version, formatVersion)
	}
	if err := checkNames("partitionBy", m.PartitionBy); err != nil {
		return nil, err
	}
	var schema *arrow.Schema
	if m.Schema != nil {
		s, err := m.Schema.arrow()
		if err != nil {
			return nil, err
		}
		schema = s
	}
	if len(m.Batches) == 0 {
		return nil, errors.New("parquet: manifest lists no batch")
	}
	if !m.Compact && len(m.Batches) != 1 {
		return nil, fmt.Errorf("parquet: a batch manifest lists %d batches; it must list one", len(m.Batches))
	}
	seen := make(map[string]bool)
	for i, b := range m.Batches {
		if b.ID < 0 || (i > 0 && b.ID <= m.Batches[i-1].ID) {
			return nil, fmt.Errorf("parquet: manifest batch ids must be ascending and not negative (batch %d at position %d)", b.ID, i)
		}
		for _, f := range b.Files {
			if err := f.validate(b.ID, -1, m.PartitionBy); err != nil {
				return nil, err
			}
			if seen[f.Path] {
				return nil, fmt.Errorf("parquet: manifest lists file %s twice", f.Path)
			}
			seen[f.Path] = true
		}
	}
	return schema, nil
}

// partFileName matches the names the task writers give files.
var partFileName = regexp.MustCompile(`^part-([0-9]{5,18})-([0-9]{5,9})-([0-9]{3,9})\.parquet$`)

// validate checks an entry names a file the sink wrote for the batch (and
// for the task, when task >= 0): a clean relative path whose folders are
// its partition values. CommitBatch deletes files by these paths, so
// nothing outside the sink's own files may pass.
func (f *fileEntry) validate(batch int64, task int, partitionBy []string) error {
	bad := func(why string) error {
		return fmt.Errorf("parquet: bad file entry %q for batch %d: %s", f.Path, batch, why)
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
	if err := decodeStrict(raw, &c); err != nil {
		return nil, nil, fmt.Errorf("parquet: task commit message is not valid JSON: %w", err)
	}
	if c.Version != formatVersion {
		return nil, nil, fmt.Errorf("parquet: task commit message version %d is not supported (want %d); do the executors run another spate version than the driver?", c.Version, formatVersion)
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
	schema, err := c.Schema.arrow()
	if err != nil {
		return nil, nil, fmt.Errorf("parquet: task %d: %w", c.TaskID, err)
	}
	for _, f := range c.Files {
		if err := f.validate(batch, c.TaskID, partitionBy); err != nil {
			return nil, nil, err
		}
	}
	return &c, schema, nil
}

// decodeStrict decodes one JSON value into v, rejecting unknown fields and
// trailing data.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}
