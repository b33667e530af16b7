package parquetlog

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/apache/arrow-go/v18/arrow"
)

// ErrNoLog is returned (wrapped) for a folder without _spate_log: not a
// spate Parquet sink's output, or one that has not committed a batch yet.
var ErrNoLog = errors.New("no _spate_log")

// ErrVanished marks a manifest that was listed but gone when read: a
// compaction deleted it meanwhile, and reading again from a new listing
// succeeds.
var ErrVanished = errors.New("a _spate_log file vanished while being read")

// readAttempts bounds how often a reader lists the log again after a
// compaction deleted a manifest it had listed.
const readAttempts = 5

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

// Reader reads _spate_log folders.
type Reader struct {
	// CheckFile, when set, vets every file entry of every manifest read,
	// before the reader's own check that the path is clean and inside the
	// sink's folder. The sink passes its naming rules, as it deletes files
	// by these paths. The default (nil) checks nothing more.
	CheckFile FileCheck
}

// Read reads root's log: the files of the latest compaction and of every
// batch manifest after it. A compaction running at the same time may
// delete manifests it listed; it then lists again, a few times.
func (r Reader) Read(root string) (*Log, error) {
	var err error
	for range readAttempts {
		var l *Log
		if l, err = r.readOnce(root); !errors.Is(err, ErrVanished) {
			return l, err
		}
	}
	return nil, fmt.Errorf("%s keeps changing while read (%w); is a query compacting it right now? Try again", Dir(root), err)
}

func (r Reader) readOnce(root string) (*Log, error) {
	ls, err := List(root)
	if err != nil {
		return nil, err
	}
	l := &Log{LatestBatch: ls.Latest()}
	if l.LatestBatch < 0 {
		return l, nil
	}
	compact, deltas, err := ls.ReadPlan()
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, Dir(root))
	}
	var batches []Batch
	var last *Manifest
	if compact >= 0 {
		m, schema, err := r.ReadManifest(root, compact, true)
		if err != nil {
			return nil, err
		}
		batches, last, l.Schema = m.Batches, m, schema
	}
	for _, n := range deltas {
		m, schema, err := r.ReadManifest(root, n, false)
		if err != nil {
			return nil, err
		}
		batches, last, l.Schema = append(batches, m.Batches...), m, schema
	}
	l.PartitionBy = last.PartitionBy
	l.Files = files(root, batches)
	return l, nil
}

// files lists the batches' files in order.
func files(root string, batches []Batch) []File {
	var out []File
	for _, b := range batches {
		for _, f := range b.Files {
			out = append(out, File{
				Path: filepath.Join(root, filepath.FromSlash(f.Path)), RelPath: f.Path,
				Batch: b.ID, Rows: f.Rows, Bytes: f.Bytes, Partition: f.Partition,
			})
		}
	}
	return out
}

// ReadManifest reads and checks N.json or N.compact; ErrVanished
// (wrapped) when it is not there.
func (r Reader) ReadManifest(root string, n int64, compact bool) (*Manifest, *arrow.Schema, error) {
	p := Path(root, n, compact)
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("%w: %s", ErrVanished, p)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", p, err)
	}
	m, schema, err := DecodeManifest(data, r.CheckFile)
	if err != nil {
		return nil, nil, fmt.Errorf("%s is not a valid _spate_log manifest: %w", p, err)
	}
	last := m.Batches[len(m.Batches)-1].ID
	if m.Compact != compact || (!compact && last != n) || (compact && last > n) {
		return nil, nil, fmt.Errorf("%s does not hold what its name says (compact %v, last batch %d)", p, m.Compact, last)
	}
	return m, schema, nil
}

// Latest reads the newest manifest, or returns nil when the log is
// missing or empty.
func (r Reader) Latest(root string) (*Manifest, *arrow.Schema, error) {
	for range readAttempts {
		ls, err := List(root)
		if errors.Is(err, ErrNoLog) {
			return nil, nil, nil
		}
		if err != nil {
			return nil, nil, err
		}
		n := ls.Latest()
		if n < 0 {
			return nil, nil, nil
		}
		m, schema, err := r.ReadManifest(root, n, !ls.HasDelta(n))
		if !errors.Is(err, ErrVanished) {
			return m, schema, err
		}
	}
	return nil, nil, fmt.Errorf("%s keeps changing while read; is another query committing to it?", Dir(root))
}
