package log

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// cleanerFile holds a compacted partition's cleaner state (Kafka keeps the
// first dirty offsets in one cleaner-offset-checkpoint per data folder; a
// partition folder of its own keeps this package's partitions independent):
//
//	<first dirty offset> <earliest delete horizon ms, -1 for none>
const cleanerFile = "cleaner-offset-checkpoint"

// cleanerState is where compaction stands.
type cleanerState struct {
	// firstDirty is the first offset not yet compacted.
	firstDirty int64
	// horizon is the earliest delete horizon of a tombstone compaction
	// kept, -1 when none: a round is due then even if nothing is dirty.
	horizon int64
}

func (s cleanerState) encode() []byte {
	return []byte(strconv.FormatInt(s.firstDirty, 10) + " " + strconv.FormatInt(s.horizon, 10) + "\n")
}

// decodeCleanerState parses the file; a damaged one is an error and the
// caller starts over (everything dirty), which costs a round, never data.
func decodeCleanerState(b []byte) (cleanerState, error) {
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return cleanerState{}, fmt.Errorf("log: %s has %d fields, want 2", cleanerFile, len(f))
	}
	dirty, err1 := strconv.ParseInt(f[0], 10, 64)
	horizon, err2 := strconv.ParseInt(f[1], 10, 64)
	if err1 != nil || err2 != nil || dirty < 0 || horizon < -1 {
		return cleanerState{}, fmt.Errorf("log: %s holds %q, not two offsets", cleanerFile, strings.TrimSpace(string(b)))
	}
	return cleanerState{firstDirty: dirty, horizon: horizon}, nil
}

// loadCleanerState reads the partition's cleaner state; a missing or
// damaged file means nothing was compacted yet.
func (l *Log) loadCleanerState() cleanerState {
	fresh := cleanerState{firstDirty: 0, horizon: -1}
	b, err := os.ReadFile(filepath.Join(l.dir, cleanerFile))
	if err != nil {
		if !os.IsNotExist(err) {
			l.logger.Warn("log: ignoring an unreadable cleaner checkpoint; the next compaction starts over", "dir", l.dir, "err", err)
		}
		return fresh
	}
	st, err := decodeCleanerState(b)
	if err != nil {
		l.logger.Warn("log: ignoring a damaged cleaner checkpoint; the next compaction starts over", "dir", l.dir, "err", err)
		return fresh
	}
	return st
}

// saveCleanerState persists the state. The caller holds appendMu.
func (l *Log) saveCleanerState(st cleanerState) error {
	if err := writeFileAtomic(filepath.Join(l.dir, cleanerFile), st.encode()); err != nil {
		return err
	}
	l.cleaner = st
	return nil
}

// lowerFirstDirty moves the first dirty offset down to offset after a
// truncation or reset: data written there later is new, dirty data. The
// caller holds appendMu.
func (l *Log) lowerFirstDirty(offset int64) error {
	if l.cleaner.firstDirty <= offset {
		return nil
	}
	return l.saveCleanerState(cleanerState{firstDirty: offset, horizon: l.cleaner.horizon})
}

// firstDirty is the first offset not yet compacted.
func (l *Log) firstDirty() int64 {
	l.appendMu.Lock()
	defer l.appendMu.Unlock()
	return l.cleaner.firstDirty
}
