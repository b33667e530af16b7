package parquet

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/spate-io/spate/internal/fsutil"
	"github.com/spate-io/spate/internal/parquetlog"
)

// Folder names under the sink's root, besides the log's
// (parquetlog.DirName). Both start with "_", which Spark, Hive and
// DuckDB's hive partitioning skip; nothing in them ends in .parquet, so a
// plain glob reader of **/*.parquet never sees them either.
const (
	stagingDirName = "_spate_tmp"
	intentSuffix   = ".intent.json"
)

// stagingDir holds the temp files and intent records of one batch.
func stagingDir(root string, batch int64) string {
	return filepath.Join(root, stagingDirName, strconv.FormatInt(batch, 10))
}

// unwritable explains a failure to create something under the output
// folder.
func unwritable(root string, err error) error {
	return fmt.Errorf("parquet: cannot write to output folder %s: %w (check that it is writable by this process, or choose another path)", root, err)
}

// writeAtomic replaces a manifest of the log with data (fsutil.WriteAtomic):
// a reader sees the old content or the new, never a part, and a crash
// leaves at worst a temp file the log's listing recognises.
func writeAtomic(path string, data []byte) error {
	if err := fsutil.WriteAtomic(path, parquetlog.TempPattern(filepath.Base(path)), 0o600, data); err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	return nil
}

// syncDir fsyncs a folder so the names created or renamed in it survive a
// crash.
func syncDir(dir string) error {
	if err := fsutil.SyncDir(dir); err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	return nil
}

// dirMaker creates folders under a root, fsyncing the parent of every
// folder it creates, and remembers folders whose entries changed so they
// can be synced once at the end.
type dirMaker struct {
	root  string
	made  map[string]bool
	dirty map[string]bool
}

func newDirMaker(root string) *dirMaker {
	return &dirMaker{root: filepath.Clean(root), made: map[string]bool{}, dirty: map[string]bool{}}
}

// make creates dir (inside root) and its missing parents.
func (m *dirMaker) make(dir string) error {
	dir = filepath.Clean(dir)
	if m.made[dir] || dir == m.root {
		return nil
	}
	if _, err := os.Stat(dir); err == nil {
		m.made[dir] = true
		return nil
	}
	parent := filepath.Dir(dir)
	if err := m.make(parent); err != nil {
		return err
	}
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return unwritable(m.root, err)
	}
	m.made[dir] = true
	m.dirty[parent] = true
	return nil
}

// touched marks a folder whose entries changed.
func (m *dirMaker) touched(dir string) { m.dirty[filepath.Clean(dir)] = true }

// syncTouched fsyncs the changed folders, deepest first.
func (m *dirMaker) syncTouched() error {
	dirs := make([]string, 0, len(m.dirty))
	for d := range m.dirty {
		dirs = append(dirs, d)
	}
	sort.Slice(dirs, func(i, j int) bool { return len(dirs[i]) > len(dirs[j]) })
	for _, d := range dirs {
		if err := syncDir(d); err != nil {
			return err
		}
	}
	m.dirty = map[string]bool{}
	return nil
}
