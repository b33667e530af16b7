package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// This file reads the _spate_log of spate's Parquet sink (sink/parquet),
// the way Spark reads _spark_metadata: the committed files are the latest
// compaction's plus those of every batch manifest after it. The engine
// cannot import sink/parquet (it imports the engine), so the reader is
// kept here, reading only what a reader needs; it follows the format of
// sink/parquet's manifest.go (version 1), and a test checks it lists what
// parquet.CommittedFiles lists.

// spateLogDir is the log folder under a sink's output folder.
const spateLogDir = "_spate_log"

// spateLogVersion is the manifest version this reader understands.
const spateLogVersion = 1

// errLogVanished marks a manifest that was listed but gone when read: a
// compaction deleted it meanwhile, and listing again succeeds.
var errLogVanished = errors.New("a _spate_log file vanished while being read")

// spateLog is what a sink's _spate_log says.
type spateLog struct {
	// files are the committed files, relative to the sink's folder, by
	// batch, then in commit order.
	files []string
	// partitionTypes are the types of the partition columns, from the
	// query's schema the log records.
	partitionTypes map[string]arrow.DataType
}

// logManifest is the part of a _spate_log file a reader needs.
type logManifest struct {
	Version     int      `json:"version"`
	Compact     bool     `json:"compact"`
	PartitionBy []string `json:"partitionBy"`
	Schema      *struct {
		Fields []logField `json:"fields"`
	} `json:"schema"`
	Batches []struct {
		ID    int64 `json:"batchId"`
		Files []struct {
			Path string `json:"path"`
		} `json:"files"`
	} `json:"batches"`
}

type logField struct {
	Name string  `json:"name"`
	Type logType `json:"type"`
}

type logType struct {
	Name     string     `json:"name"`
	Unit     string     `json:"unit"`
	TimeZone string     `json:"timeZone"`
	Children []logField `json:"children"`
}

// hasSpateLog reports whether dir holds a _spate_log folder.
func hasSpateLog(dir string) (bool, error) {
	st, err := os.Stat(filepath.Join(dir, spateLogDir))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("engine: ReadParquet: %v", err)
	}
	return st.IsDir(), nil
}

// readSpateLog reads root's _spate_log. A compaction running at the same
// time may delete manifests it listed; it then lists again, a few times.
func readSpateLog(root string) (*spateLog, error) {
	var err error
	for range 5 {
		var l *spateLog
		if l, err = readSpateLogOnce(root); !errors.Is(err, errLogVanished) {
			return l, err
		}
	}
	return nil, fmt.Errorf("engine: ReadParquet: %s keeps changing while read (%v); is a query compacting it right now? Try again", filepath.Join(root, spateLogDir), err)
}

func readSpateLogOnce(root string) (*spateLog, error) {
	dir := filepath.Join(root, spateLogDir)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("engine: ReadParquet: %v", err)
	}
	var deltas, compacts []int64
	for _, e := range ents {
		if n, compact, ok := parseManifestName(e.Name()); ok && compact {
			compacts = append(compacts, n)
		} else if ok {
			deltas = append(deltas, n)
		}
	}
	plan, err := manifestReadPlan(deltas, compacts)
	if err != nil {
		return nil, fmt.Errorf("engine: ReadParquet: %s: %v", dir, err)
	}
	l := &spateLog{partitionTypes: map[string]arrow.DataType{}}
	for _, name := range plan {
		m, err := readManifestFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		for _, b := range m.Batches {
			for _, f := range b.Files {
				l.files = append(l.files, filepath.FromSlash(f.Path))
			}
		}
		l.partitionTypes = m.partitionTypes()
	}
	return l, nil
}

// parseManifestName recognises N.json (batch N's files) and N.compact
// (every live file up to batch N), N in canonical decimal.
func parseManifestName(name string) (n int64, compact, ok bool) {
	base, ext, found := strings.Cut(name, ".")
	if !found || (ext != "json" && ext != "compact") {
		return 0, false, false
	}
	n, err := strconv.ParseInt(base, 10, 64)
	if err != nil || n < 0 || strconv.FormatInt(n, 10) != base {
		return 0, false, false
	}
	return n, ext == "compact", true
}

// manifestReadPlan is the manifests to read, in order: the latest
// compaction, if any, then every batch manifest after it, which must
// leave no gap up to the latest batch.
func manifestReadPlan(deltas, compacts []int64) ([]string, error) {
	slices.Sort(deltas)
	slices.Sort(compacts)
	var plan []string
	from := int64(-1)
	if len(compacts) > 0 {
		c := compacts[len(compacts)-1]
		plan, from = append(plan, strconv.FormatInt(c, 10)+".compact"), c+1
	}
	latest := from - 1
	if len(deltas) > 0 {
		latest = max(latest, deltas[len(deltas)-1])
		if from < 0 {
			from = deltas[0]
		}
	}
	for n := from; n >= 0 && n <= latest; n++ {
		if _, found := slices.BinarySearch(deltas, n); !found {
			return nil, fmt.Errorf("the log has no manifest of batch %d (between %d and %d); was a file of it deleted?", n, from, latest)
		}
		plan = append(plan, strconv.FormatInt(n, 10)+".json")
	}
	return plan, nil
}

// readManifestFile reads and checks one manifest.
func readManifestFile(p string) (*logManifest, error) {
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", errLogVanished, p)
	}
	if err != nil {
		return nil, fmt.Errorf("engine: ReadParquet: %v", err)
	}
	var m logManifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("engine: ReadParquet: %s is not a valid _spate_log manifest: %v", p, err)
	}
	if err := m.check(strings.HasSuffix(p, ".compact")); err != nil {
		return nil, fmt.Errorf("engine: ReadParquet: %s: %v", p, err)
	}
	return &m, nil
}

// check refuses manifests this reader does not understand and file paths
// that would lead out of the sink's folder.
func (m *logManifest) check(compact bool) error {
	if m.Version != spateLogVersion {
		return fmt.Errorf("manifest version %d is not supported (this build reads version %d); was it written by a newer spate?", m.Version, spateLogVersion)
	}
	if m.Compact != compact || len(m.Batches) == 0 || (!compact && len(m.Batches) != 1) {
		return fmt.Errorf("the manifest does not hold what its name says (compact %v, %d batches)", m.Compact, len(m.Batches))
	}
	for _, b := range m.Batches {
		for _, f := range b.Files {
			if f.Path == "" || path.IsAbs(f.Path) || path.Clean(f.Path) != f.Path || strings.HasPrefix(f.Path, "../") || f.Path == ".." {
				return fmt.Errorf("batch %d lists file %q, which is not a clean path inside the sink's folder", b.ID, f.Path)
			}
		}
	}
	return nil
}

// partitionTypes are the types the manifest's schema gives the partition
// columns, for those that can be read from folder names.
func (m *logManifest) partitionTypes() map[string]arrow.DataType {
	out := map[string]arrow.DataType{}
	if m.Schema == nil {
		return out
	}
	for _, col := range m.PartitionBy {
		for _, f := range m.Schema.Fields {
			if f.Name != col {
				continue
			}
			if dt := f.Type.arrow(); dt != nil {
				if hint := partitionHintType(dt); hint != nil {
					out[col] = hint
				}
			}
		}
	}
	return out
}

// logSimpleTypes are the logged type names of the types a partition
// column may have.
var logSimpleTypes = map[string]arrow.DataType{
	"bool":  arrow.FixedWidthTypes.Boolean,
	"int8":  arrow.PrimitiveTypes.Int8,
	"int16": arrow.PrimitiveTypes.Int16,
	"int32": arrow.PrimitiveTypes.Int32, "int64": arrow.PrimitiveTypes.Int64,
	"uint8": arrow.PrimitiveTypes.Uint8, "uint16": arrow.PrimitiveTypes.Uint16,
	"uint32": arrow.PrimitiveTypes.Uint32, "uint64": arrow.PrimitiveTypes.Uint64,
	"utf8": arrow.BinaryTypes.String, "large_utf8": arrow.BinaryTypes.LargeString,
	"utf8_view": arrow.BinaryTypes.StringView,
	"date32":    arrow.FixedWidthTypes.Date32,
}

// arrow is the logged type, when it is one a partition column may have,
// else nil.
func (t logType) arrow() arrow.DataType {
	if dt, ok := logSimpleTypes[t.Name]; ok {
		return dt
	}
	switch t.Name {
	case "timestamp":
		for _, u := range arrow.TimeUnitValues {
			if u.String() == t.Unit {
				return &arrow.TimestampType{Unit: u, TimeZone: t.TimeZone}
			}
		}
	case "dictionary":
		if len(t.Children) == 1 {
			return t.Children[0].Type.arrow()
		}
	}
	return nil
}
