package log

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
)

// File names inside a partition folder, Kafka's where Kafka has one.
const (
	logSuffix        = ".log"
	indexSuffix      = ".index"
	timeIndexSuffix  = ".timeindex"
	snapshotSuffix   = ".snapshot"
	deletedSuffix    = ".deleted"
	tmpSuffix        = ".tmp"
	epochFile        = "leader-epoch-checkpoint"
	logStartFile     = "log-start-offset-checkpoint"
	recoveryFile     = "recovery-point-offset-checkpoint"
	cleanShutdownTag = ".clean-shutdown"
)

// offsetName is the 20-digit zero-padded file name stem of an offset.
func offsetName(offset int64) string { return fmt.Sprintf("%020d", offset) }

// parseOffsetName parses "<20 digits><suffix>"; ok is false for other names.
func parseOffsetName(name, suffix string) (int64, bool) {
	stem, found := strings.CutSuffix(name, suffix)
	if !found || len(stem) != 20 {
		return 0, false
	}
	n, err := strconv.ParseInt(stem, 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// writeFileAtomic replaces path with data: a temp file written and fsynced
// (writeFileSynced), a rename, and an fsync of the folder, so a crash
// leaves either the old or the new file. A leftover temp file ends in
// tmpSuffix, which listSegments removes.
func writeFileAtomic(path string, data []byte) error {
	tmp := path + tmpSuffix
	if err := writeFileSynced(tmp, data); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("log: rename %s: %w", tmp, err)
	}
	return syncDir(filepath.Dir(path))
}

// writeFileSynced writes data to path and fsyncs it, without a rename: the
// caller renames the file when it commits.
func writeFileSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("log: write %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("log: write %s: %w", path, err)
	}
	if err := fsync(f); err != nil {
		f.Close()
		return fmt.Errorf("log: fsync %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("log: close %s: %w", path, err)
	}
	return nil
}

// syncDir fsyncs a folder so created, renamed and removed entries persist.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("log: open folder %s: %w", dir, err)
	}
	defer d.Close()
	if err := fsync(d); err != nil {
		return fmt.Errorf("log: fsync folder %s: %w", dir, err)
	}
	return nil
}

// writeOffsetFile atomically writes a one-number checkpoint file.
func writeOffsetFile(path string, offset int64) error {
	return writeFileAtomic(path, []byte(strconv.FormatInt(offset, 10)+"\n"))
}

// readOffsetFile reads a one-number checkpoint file; ok is false when it is
// missing or unreadable (the caller falls back to a safe default).
func readOffsetFile(path string) (int64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// removeFile deletes path; a missing file is not an error.
func removeFile(path string) error {
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("log: remove %s: %w", path, err)
	}
	return nil
}

// fsyncOff turns fsync into a no-op. Only fuzz tests set it: thousands of
// recoveries a second are impossible at a few milliseconds per fsync.
var fsyncOff atomic.Bool

// fsync makes a file's (or folder's) data durable.
func fsync(f *os.File) error {
	if fsyncOff.Load() {
		return nil
	}
	return f.Sync()
}
