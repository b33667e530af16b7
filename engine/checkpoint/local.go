package checkpoint

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spate-io/spate/internal/fsutil"
)

// Local is an FS on a local folder. An atomic write goes to a temporary
// file in the same folder (".<name>.<random>.tmp"), is fsynced, then
// renamed (or, exclusively, hard-linked) into place, and the folder is
// fsynced so the new name survives a power cut. A crash leaves at worst a
// temporary file, which List skips and RemoveTemp deletes.
type Local struct {
	root string
}

// NewLocal returns the FS of the folder root (created on first write).
func NewLocal(root string) *Local { return &Local{root: root} }

// Path implements FS.
func (l *Local) Path(name string) string { return filepath.Join(l.root, filepath.FromSlash(name)) }

// WriteFile implements FS.
func (l *Local) WriteFile(name string, data []byte, exclusive bool) error {
	if !fs.ValidPath(name) || name == "." {
		return fmt.Errorf("checkpoint: invalid file name %q", name)
	}
	final := l.Path(name)
	dir := filepath.Dir(final)
	if err := mkdirSynced(dir); err != nil {
		return err
	}
	pattern := "." + filepath.Base(final) + ".*.tmp" // isTemp's names
	if !exclusive {
		return fsError(fsutil.WriteAtomic(final, pattern, 0o644, data))
	}
	tmp, err := fsutil.WriteTemp(dir, pattern, 0o644, data)
	if err != nil {
		return fsError(err)
	}
	defer os.Remove(tmp) // the link leaves it behind; a failure too
	if err := linkExclusive(tmp, final); err != nil {
		return err
	}
	return fsError(fsutil.SyncDir(dir))
}

// fsError gives an error of fsutil the package prefix.
func fsError(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("checkpoint: %w", err)
}

// linkExclusive puts tmp in place at final unless final exists. A hard
// link fails atomically on an existing name; where the file system has no
// hard links, a check then rename stands in (not safe against a second
// writer at the same instant).
func linkExclusive(tmp, final string) error {
	err := os.Link(tmp, final)
	if err == nil {
		return nil
	}
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("checkpoint: %s already exists: %w", final, fs.ErrExist)
	}
	if _, serr := os.Lstat(final); serr == nil {
		return fmt.Errorf("checkpoint: %s already exists: %w", final, fs.ErrExist)
	}
	if rerr := os.Rename(tmp, final); rerr != nil {
		return fmt.Errorf("checkpoint: %w", rerr)
	}
	return nil
}

// mkdirSynced creates dir if needed and fsyncs the parent of every folder
// it creates, so the folder itself survives a power cut.
func mkdirSynced(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	if parent := filepath.Dir(dir); parent != dir {
		if err := mkdirSynced(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return fsError(fsutil.SyncDir(filepath.Dir(dir)))
}

// ReadFile implements FS.
func (l *Local) ReadFile(name string) ([]byte, error) {
	b, err := os.ReadFile(l.Path(name))
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	return b, nil
}

// List implements FS.
func (l *Local) List(dir string) ([]string, error) {
	entries, err := os.ReadDir(l.Path(dir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && !isTemp(e.Name()) {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

// Remove implements FS.
func (l *Local) Remove(name string) error {
	if err := os.Remove(l.Path(name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

// RemoveTemp deletes the temporary files unfinished writes left in dir.
// Only one process may write a checkpoint, so none is in use.
func (l *Local) RemoveTemp(dir string) error {
	entries, err := os.ReadDir(l.Path(dir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	for _, e := range entries {
		if e.Type().IsRegular() && isTemp(e.Name()) {
			if err := l.Remove(dir + "/" + e.Name()); err != nil {
				return err
			}
		}
	}
	return nil
}

func isTemp(name string) bool { return strings.HasPrefix(name, ".") && strings.HasSuffix(name, ".tmp") }
