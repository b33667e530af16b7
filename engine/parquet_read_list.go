package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/spate-io/spate/internal/parquetlog"
)

// parquetListing finds the files ReadParquet's paths name:
//
//   - a file is read whatever its name, with no partition columns (as in
//     Spark, whose partition discovery starts at the folder of a file
//     named directly);
//   - a folder holding _spate_log is read as the log says: exactly the
//     committed files, like Spark's reader of _spark_metadata;
//   - any other folder is read recursively: its .parquet files, skipping
//     hidden names (hiddenName), a sub-folder holding _spate_log as the
//     log says;
//   - a pattern reads what it matches (files whatever their names,
//     folders as above), partitions discovered from its last folder
//     without wildcards.
//
// A file found in a folder or by a pattern below a sink's output folder
// (one holding _spate_log, at any level above it) is read only if that
// log lists it: files of an uncommitted or replayed batch are never read.
type parquetListing struct {
	files []partitionedFile
	// hints are the partition column types the logs met record.
	hints       map[string]arrow.DataType
	conflicting map[string]bool

	seen   map[string]bool      // absolute paths listed
	scopes map[string]*logScope // by absolute folder: the nearest log at or above it
	logs   map[string]*spateLog // by absolute sink folder

	// What was left out, for the message when nothing is left.
	others      []string // files without the .parquet suffix in folders
	uncommitted []string // .parquet files a log does not list
	emptyLogs   []string // sink folders whose log lists no file
}

// logScope is the sink folder a path is under and its committed files.
type logScope struct {
	root      string // absolute
	log       *spateLog
	committed map[string]bool // paths relative to root
}

// listParquet lists the files of paths, in the order of the paths (a
// log's files in commit order, others by name); a file named twice is
// read once.
func listParquet(paths []string) (*parquetListing, error) {
	l := &parquetListing{
		hints: map[string]arrow.DataType{}, conflicting: map[string]bool{},
		seen: map[string]bool{}, scopes: map[string]*logScope{}, logs: map[string]*spateLog{},
	}
	for _, p := range paths {
		if err := l.addPath(p); err != nil {
			return nil, err
		}
	}
	if len(l.files) == 0 {
		return nil, l.noFiles(paths)
	}
	return l, nil
}

func (l *parquetListing) addPath(p string) error {
	if p == "" {
		return fmt.Errorf("engine: ReadParquet: an empty path; name a file, a folder or a pattern")
	}
	if isGlob(p) {
		return l.addGlob(p)
	}
	st, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("engine: ReadParquet: %s does not exist", p)
	}
	if err != nil {
		return fmt.Errorf("engine: ReadParquet: %v", err)
	}
	if st.IsDir() {
		return l.addDir(p, p)
	}
	return l.addFile(p, filepath.Dir(p))
}

func (l *parquetListing) addGlob(pattern string) error {
	base, matches, err := globMatches(pattern)
	if err != nil {
		return err
	}
	if len(matches) == 0 {
		return fmt.Errorf("engine: ReadParquet: pattern %s matches no file or folder", pattern)
	}
	for _, m := range matches {
		st, err := os.Stat(m)
		if err != nil {
			return fmt.Errorf("engine: ReadParquet: %v", err)
		}
		if st.IsDir() {
			err = l.addDir(m, base)
		} else {
			err = l.addCandidate(m, base)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// addDir lists a folder: as its log says when it holds _spate_log, else
// recursively.
func (l *parquetListing) addDir(dir, base string) error {
	if has, err := hasSpateLog(dir); err != nil {
		return err
	} else if has {
		return l.addLogged(dir, base)
	}
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("engine: ReadParquet: %v", err)
		}
		if path == dir {
			return nil
		}
		if hiddenName(d.Name()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			has, err := hasSpateLog(path)
			if err != nil || !has {
				return err
			}
			if err := l.addLogged(path, base); err != nil {
				return err
			}
			return filepath.SkipDir
		}
		if !strings.HasSuffix(d.Name(), ".parquet") {
			l.others = append(l.others, path)
			return nil
		}
		return l.addCandidate(path, base)
	})
}

// addLogged adds the committed files of the sink folder root.
func (l *parquetListing) addLogged(root, base string) error {
	scope, err := l.scopeOf(root)
	if err != nil {
		return err
	}
	if abs, _ := filepath.Abs(root); scope == nil || scope.root != abs {
		return fmt.Errorf("engine: ReadParquet: %s vanished while being listed; is the folder being replaced? Try again", parquetlog.Dir(root))
	}
	if len(scope.log.files) == 0 {
		l.emptyLogs = append(l.emptyLogs, root)
	}
	for _, rel := range scope.log.files {
		if err := l.addFile(filepath.Join(root, rel), base); err != nil {
			return err
		}
	}
	return nil
}

// addCandidate adds a file found in a folder or by a pattern, unless it
// is under a sink's folder whose log does not list it.
func (l *parquetListing) addCandidate(path, base string) error {
	scope, err := l.scopeOf(filepath.Dir(path))
	if err != nil {
		return err
	}
	if scope != nil {
		abs, err := filepath.Abs(path)
		if err != nil {
			return fmt.Errorf("engine: ReadParquet: %v", err)
		}
		rel, err := filepath.Rel(scope.root, abs)
		if err != nil || !scope.committed[rel] {
			l.uncommitted = append(l.uncommitted, path)
			return nil
		}
	}
	return l.addFile(path, base)
}

func (l *parquetListing) addFile(path, base string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("engine: ReadParquet: %v", err)
	}
	if l.seen[abs] {
		return nil
	}
	l.seen[abs] = true
	rel, err := filepath.Rel(base, filepath.Dir(path))
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		rel = "." // not below base: no partition folders
	}
	l.files = append(l.files, partitionedFile{path: path, rel: filepath.ToSlash(rel)})
	return nil
}

// scopeOf is the nearest sink folder at or above dir, with its log, or
// nil when there is none. Folders that cannot be checked count as no
// sink folder; a log that cannot be read is an error.
func (l *parquetListing) scopeOf(dir string) (*logScope, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("engine: ReadParquet: %v", err)
	}
	var chain []string
	var scope *logScope
	for d := abs; ; {
		if s, ok := l.scopes[d]; ok {
			scope = s
			break
		}
		chain = append(chain, d)
		if has, _ := hasSpateLog(d); has {
			if scope, err = l.readScope(d); err != nil {
				return nil, err
			}
			break
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	for _, d := range chain {
		l.scopes[d] = scope
	}
	return scope, nil
}

func (l *parquetListing) readScope(root string) (*logScope, error) {
	lg, ok := l.logs[root]
	if !ok {
		var err error
		if lg, err = readSpateLog(root); err != nil {
			return nil, err
		}
		l.logs[root] = lg
		l.addHints(lg.partitionTypes)
	}
	s := &logScope{root: root, log: lg, committed: make(map[string]bool, len(lg.files))}
	for _, f := range lg.files {
		s.committed[f] = true
	}
	return s, nil
}

// addHints takes the partition column types a log records; a column two
// logs disagree on is inferred instead.
func (l *parquetListing) addHints(types map[string]arrow.DataType) {
	for col, dt := range types {
		if old, ok := l.hints[col]; ok && !arrow.TypeEqual(old, dt) {
			l.conflicting[col] = true
			delete(l.hints, col)
		}
		if !l.conflicting[col] {
			l.hints[col] = dt
		}
	}
}

// noFiles explains why paths named no file to read.
func (l *parquetListing) noFiles(paths []string) error {
	msg := "engine: ReadParquet: no Parquet file to read in " + strings.Join(paths, ", ")
	var why []string
	for _, root := range l.emptyLogs {
		why = append(why, fmt.Sprintf("%s lists no committed file yet (no batch with rows has been committed)", parquetlog.Dir(root)))
	}
	if n := len(l.uncommitted); n > 0 {
		why = append(why, fmt.Sprintf("%s (such as %s) not committed in the sink's _spate_log: files of a batch not yet committed, or of a replaced attempt", countFiles(n, ".parquet file"), l.uncommitted[0]))
	}
	if n := len(l.others); n > 0 {
		why = append(why, fmt.Sprintf("%s without the .parquet suffix (such as %s) left out; name them, or a pattern such as %s, to read them", countFiles(n, "file"), l.others[0], filepath.Join(filepath.Dir(l.others[0]), "*")))
	}
	if len(why) == 0 {
		return errors.New(msg + " (no files there)")
	}
	return errors.New(msg + ": " + strings.Join(why, "; "))
}

// countFiles is "1 file", "2 files" and so on.
func countFiles(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
