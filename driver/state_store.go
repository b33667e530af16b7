package driver

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spate-io/spate/engine/checkpoint"
)

// storedQuery is a submitted query as the driver's data folder keeps it.
type storedQuery struct {
	Name       string `json:"name"`
	Checkpoint string `json:"checkpoint"`
	// State is the desired state: running queries are resumed when the
	// driver starts; stopped and failed ones wait for a restart.
	State       string    `json:"state"`
	Error       string    `json:"error,omitempty"`
	SubmittedAt time.Time `json:"submittedAt"`
	// Plan is the plan as last submitted. The checkpoint's plan.json is
	// the plan the checkpoint was created with, and the fallback when
	// this is missing.
	Plan json.RawMessage `json:"plan,omitempty"`
}

// stateFile is <data>/queries.json.
type stateFile struct {
	Version int           `json:"version"`
	Queries []storedQuery `json:"queries"`
}

const (
	stateFileName    = "queries.json"
	stateFileVersion = 1
	lockFileName     = "LOCK"
)

// stateStore is the driver's data folder: queries.json, written atomically
// (temp file, fsync, rename, fsync of the folder), and a LOCK file held
// with flock so that two drivers never share a folder.
type stateStore struct {
	dir  string
	fs   *checkpoint.Local
	lock *os.File
}

func openStateStore(dir string) (*stateStore, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("driver: cannot create the data folder %s: %w", dir, err)
	}
	f, err := os.OpenFile(filepath.Join(dir, lockFileName), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("driver: cannot open %s: %w", filepath.Join(dir, lockFileName), err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("driver: the data folder %s is in use by another driver (%v); give each driver its own --data", dir, err)
	}
	return &stateStore{dir: dir, fs: checkpoint.NewLocal(dir), lock: f}, nil
}

// load reads the stored queries; a new folder has none.
func (s *stateStore) load() ([]storedQuery, error) {
	data, err := s.fs.ReadFile(stateFileName)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("driver: reading %s: %w", s.fs.Path(stateFileName), err)
	}
	var f stateFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("driver: %s is damaged (%v); restore it from a backup or remove it and submit the queries again", s.fs.Path(stateFileName), err)
	}
	if f.Version != stateFileVersion {
		return nil, fmt.Errorf("driver: %s has version %d; this driver reads version %d", s.fs.Path(stateFileName), f.Version, stateFileVersion)
	}
	return f.Queries, nil
}

// save replaces the stored queries.
func (s *stateStore) save(qs []storedQuery) error {
	data, err := json.MarshalIndent(stateFile{Version: stateFileVersion, Queries: qs}, "", "  ")
	if err != nil {
		return err
	}
	if err := s.fs.WriteFile(stateFileName, data, false); err != nil {
		return fmt.Errorf("driver: writing %s: %w", s.fs.Path(stateFileName), err)
	}
	return nil
}

func (s *stateStore) close() error { return s.lock.Close() }
