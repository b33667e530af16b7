package fsutil

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// WriteAtomic replaces path with data: a temp file in the same folder
// named after tempPattern (see CreateTemp), fsync, rename, fsync of the
// folder. A reader sees the old content or the new, never a part; a crash
// leaves at worst the temp file.
func WriteAtomic(path, tempPattern string, perm fs.FileMode, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := WriteTemp(dir, tempPattern, perm, data)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return SyncDir(dir)
}

// SyncDir fsyncs a folder so the names created or renamed in it survive a
// crash.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	return nil
}
