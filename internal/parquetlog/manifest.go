package parquetlog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// Version is the version of the manifest JSON (and of the sink's task
// commit messages, which share its types).
const Version = 1

// Manifest is one file of _spate_log: <N>.json lists batch N's files;
// <N>.compact lists the files of every live batch up to N.
type Manifest struct {
	Version     int      `json:"version"`
	Compact     bool     `json:"compact,omitempty"`
	PartitionBy []string `json:"partitionBy,omitempty"`
	// Schema is the query's output schema (partition columns included);
	// nil only while no task has ever reported one.
	Schema  *Schema `json:"schema,omitempty"`
	Batches []Batch `json:"batches"`
}

// Batch is one committed batch.
type Batch struct {
	ID            int64       `json:"batchId"`
	CommittedAtMs int64       `json:"committedAtMs"`
	Files         []FileEntry `json:"files"`
}

// FileEntry is one output file: its path relative to the sink root (slash
// separated), rows, bytes and partition values.
type FileEntry struct {
	Path      string           `json:"path"`
	Rows      int64            `json:"rows"`
	Bytes     int64            `json:"bytes"`
	Partition []PartitionValue `json:"partition,omitempty"`
}

// PartitionValue is the value of one partition column of a file; Value is
// nil for null (and for the empty string, which Spark also treats as null).
type PartitionValue struct {
	Column string  `json:"column"`
	Value  *string `json:"value"`
}

// FileCheck vets one file entry of batch, the manifest partitioned by
// partitionBy; see Reader.CheckFile.
type FileCheck func(batch int64, f FileEntry, partitionBy []string) error

// DecodeManifest parses and checks one _spate_log file's content: strict
// JSON of this Version, a schema that builds, one batch in a batch
// manifest, ascending batch ids, and file paths that are clean, relative
// and inside the sink's folder, each listed once. check, when not nil,
// vets each entry first.
func DecodeManifest(data []byte, check FileCheck) (*Manifest, *arrow.Schema, error) {
	var m Manifest
	if err := DecodeStrict(data, &m); err != nil {
		return nil, nil, fmt.Errorf("manifest is not valid JSON: %w", err)
	}
	schema, err := m.validate(check)
	if err != nil {
		return nil, nil, err
	}
	return &m, schema, nil
}

func (m *Manifest) validate(check FileCheck) (*arrow.Schema, error) {
	if m.Version != Version {
		return nil, fmt.Errorf("manifest version %d is not supported (this build reads version %d); was it written by a newer spate?", m.Version, Version)
	}
	if err := CheckNames("partitionBy", m.PartitionBy); err != nil {
		return nil, err
	}
	var schema *arrow.Schema
	if m.Schema != nil {
		s, err := m.Schema.Arrow()
		if err != nil {
			return nil, err
		}
		schema = s
	}
	if len(m.Batches) == 0 {
		return nil, errors.New("manifest lists no batch")
	}
	if !m.Compact && len(m.Batches) != 1 {
		return nil, fmt.Errorf("a batch manifest lists %d batches; it must list one", len(m.Batches))
	}
	return schema, m.validateFiles(check)
}

func (m *Manifest) validateFiles(check FileCheck) error {
	seen := make(map[string]bool)
	for i, b := range m.Batches {
		if b.ID < 0 || (i > 0 && b.ID <= m.Batches[i-1].ID) {
			return fmt.Errorf("manifest batch ids must be ascending and not negative (batch %d at position %d)", b.ID, i)
		}
		for _, f := range b.Files {
			if check != nil {
				if err := check(b.ID, f, m.PartitionBy); err != nil {
					return err
				}
			}
			if !insideFolder(f.Path) {
				return fmt.Errorf("batch %d lists file %q, which is not a clean path inside the sink's folder", b.ID, f.Path)
			}
			if seen[f.Path] {
				return fmt.Errorf("manifest lists file %s twice", f.Path)
			}
			seen[f.Path] = true
		}
	}
	return nil
}

// insideFolder reports whether p is a clean relative slash-separated path
// that stays inside the folder it is relative to.
func insideFolder(p string) bool {
	return p != "" && !path.IsAbs(p) && path.Clean(p) == p && p != ".." && !strings.HasPrefix(p, "../")
}

// CheckNames rejects empty and repeated column names in the list what.
func CheckNames(what string, names []string) error {
	seen := make(map[string]bool, len(names))
	for _, n := range names {
		if strings.TrimSpace(n) == "" {
			return fmt.Errorf("%s has an empty column name", what)
		}
		if seen[n] {
			return fmt.Errorf("%s names column %q twice", what, n)
		}
		seen[n] = true
	}
	return nil
}

// DecodeStrict decodes one JSON value into v, rejecting unknown fields and
// trailing data.
func DecodeStrict(data []byte, v any) error {
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
