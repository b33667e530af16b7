package parquet

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// ErrNoLog is returned (wrapped) by ReadLog and CommittedFiles for a folder
// without _spate_log: not a spate Parquet sink's output, or one that has
// not committed a batch yet.
var ErrNoLog = errors.New("parquet: no _spate_log")

// errVanished marks a log file that was listed but gone when read: a
// compaction deleted it meanwhile, and reading again from the listing
// succeeds.
var errVanished = errors.New("parquet: a _spate_log file vanished while reading")

// Log is what _spate_log says about a sink's output.
type Log struct {
	// Schema is the output schema, partition columns included; nil when no
	// task has written yet.
	Schema *arrow.Schema
	// PartitionBy are the partition columns, in folder order.
	PartitionBy []string
	// LatestBatch is the last committed batch, -1 when none.
	LatestBatch int64
	// Files are the committed files, by batch, then in commit order.
	Files []File
}

// File is one committed output file.
type File struct {
	// Path is the file's path: the sink root joined with RelPath.
	Path string
	// RelPath is the path relative to the sink root, slash separated, as
	// _spate_log records it.
	RelPath string
	// Batch is the batch that wrote the file.
	Batch int64
	Rows  int64
	Bytes int64
	// Partition are the values of the partition columns, in order.
	Partition []PartitionValue
}

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
	var err error
	for range 5 {
		var l *Log
		if l, err = readLogOnce(root); !errors.Is(err, errVanished) {
			return l, err
		}
	}
	return nil, err
}

func readLogOnce(root string) (*Log, error) {
	ls, err := listLog(root)
	if err != nil {
		return nil, err
	}
	l := &Log{LatestBatch: ls.latest()}
	if l.LatestBatch < 0 {
		return l, nil
	}
	compact, deltas, err := ls.readPlan()
	if err != nil {
		return nil, fmt.Errorf("%w in %s", err, logDir(root))
	}
	var batches []logBatch
	var last *manifest
	if compact >= 0 {
		m, schema, err := readManifest(root, compact, true)
		if err != nil {
			return nil, err
		}
		batches, last, l.Schema = m.Batches, m, schema
	}
	for _, n := range deltas {
		m, schema, err := readManifest(root, n, false)
		if err != nil {
			return nil, err
		}
		batches, last, l.Schema = append(batches, m.Batches...), m, schema
	}
	l.PartitionBy = last.PartitionBy
	for _, b := range batches {
		for _, f := range b.Files {
			l.Files = append(l.Files, File{
				Path: filepath.Join(root, filepath.FromSlash(f.Path)), RelPath: f.Path,
				Batch: b.ID, Rows: f.Rows, Bytes: f.Bytes, Partition: f.Partition,
			})
		}
	}
	return l, nil
}

// logListing is the manifests found in _spate_log.
type logListing struct {
	deltas   []int64  // N of N.json, ascending
	compacts []int64  // N of N.compact, ascending
	temps    []string // names of leftover temp files
}

// parseLogName recognises N.json and N.compact.
func parseLogName(name string) (n int64, compact, ok bool) {
	base, ext, found := strings.Cut(name, ".")
	if !found || (ext != "json" && ext != "compact") || base == "" || base[0] == '+' || base[0] == '-' {
		return 0, false, false
	}
	n, err := strconv.ParseInt(base, 10, 64)
	if err != nil || strconv.FormatInt(n, 10) != base {
		return 0, false, false
	}
	return n, ext == "compact", true
}

func listLog(root string) (logListing, error) {
	var ls logListing
	ents, err := os.ReadDir(logDir(root))
	if errors.Is(err, fs.ErrNotExist) {
		return ls, fmt.Errorf("%w in %s (it is not the output of a spate Parquet sink, or no batch is committed yet)", ErrNoLog, root)
	}
	if err != nil {
		return ls, fmt.Errorf("parquet: list %s: %w", logDir(root), err)
	}
	for _, e := range ents {
		n, compact, ok := parseLogName(e.Name())
		switch {
		case ok && compact:
			ls.compacts = append(ls.compacts, n)
		case ok:
			ls.deltas = append(ls.deltas, n)
		case strings.HasPrefix(e.Name(), ".") && strings.Contains(e.Name(), ".tmp-"):
			ls.temps = append(ls.temps, e.Name())
		}
	}
	slices.Sort(ls.deltas)
	slices.Sort(ls.compacts)
	return ls, nil
}

// latest is the last batch the log records, -1 when none.
func (ls logListing) latest() int64 {
	n := int64(-1)
	if len(ls.deltas) > 0 {
		n = ls.deltas[len(ls.deltas)-1]
	}
	if len(ls.compacts) > 0 {
		n = max(n, ls.compacts[len(ls.compacts)-1])
	}
	return n
}

// lastCompact is the latest compaction, -1 when none.
func (ls logListing) lastCompact() int64 {
	if len(ls.compacts) == 0 {
		return -1
	}
	return ls.compacts[len(ls.compacts)-1]
}

// readPlan is what a reader reads: the latest compaction (or -1) and every
// batch manifest after it, which must leave no gap.
func (ls logListing) readPlan() (compact int64, deltas []int64, err error) {
	compact = ls.lastCompact()
	from := compact + 1
	if compact < 0 {
		if len(ls.deltas) == 0 {
			return -1, nil, nil
		}
		from = ls.deltas[0]
	}
	for n := from; n <= ls.latest(); n++ {
		if _, found := slices.BinarySearch(ls.deltas, n); !found {
			return 0, nil, fmt.Errorf("parquet: _spate_log has no manifest of batch %d (between %d and %d)", n, from, ls.latest())
		}
		deltas = append(deltas, n)
	}
	return compact, deltas, nil
}

func manifestPath(root string, n int64, compact bool) string {
	ext := ".json"
	if compact {
		ext = ".compact"
	}
	return filepath.Join(logDir(root), strconv.FormatInt(n, 10)+ext)
}

// readManifest reads and checks N.json or N.compact.
func readManifest(root string, n int64, compact bool) (*manifest, *arrow.Schema, error) {
	p := manifestPath(root, n, compact)
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("%w: %s", errVanished, p)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("parquet: read %s: %w", p, err)
	}
	m, schema, err := decodeManifest(data)
	if err != nil {
		return nil, nil, fmt.Errorf("%w (in %s)", err, p)
	}
	last := m.Batches[len(m.Batches)-1].ID
	if m.Compact != compact || (!compact && last != n) || (compact && last > n) {
		return nil, nil, fmt.Errorf("parquet: %s does not hold what its name says (compact %v, last batch %d)", p, m.Compact, last)
	}
	return m, schema, nil
}

// latestManifest reads the newest manifest, or returns nil when the log is
// missing or empty.
func latestManifest(root string) (*manifest, *arrow.Schema, error) {
	for range 5 {
		ls, err := listLog(root)
		if errors.Is(err, ErrNoLog) {
			return nil, nil, nil
		}
		if err != nil {
			return nil, nil, err
		}
		n := ls.latest()
		if n < 0 {
			return nil, nil, nil
		}
		_, isDelta := slices.BinarySearch(ls.deltas, n)
		m, schema, err := readManifest(root, n, !isDelta)
		if !errors.Is(err, errVanished) {
			return m, schema, err
		}
	}
	return nil, nil, fmt.Errorf("parquet: %s keeps changing while read; is another query committing to it?", logDir(root))
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
