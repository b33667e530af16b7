package checkpoint

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
)

// File names under the checkpoint location.
const (
	metadataFile = "metadata"
	planFile     = "plan.json"
	offsetsDir   = "offsets"
	commitsDir   = "commits"
	// StateDir is where stateful operators keep their state stores
	// (state/<op>/<part>/<version>.{delta,snapshot}); the checkpoint
	// leaves it to them.
	StateDir = "state"
)

// Metadata says which query a checkpoint belongs to. It is written once,
// when the checkpoint is created.
type Metadata struct {
	// ID is the query's id, stable across restarts. Empty at Open means
	// "whatever the checkpoint says", or a new random id for a new
	// checkpoint (Spark's behaviour).
	ID string `json:"id"`
	// Name is the query's name, for people; a restart may rename a query.
	Name string `json:"name"`
	// PlanHash identifies the plan (engine/plan.Hash); a checkpoint written
	// by a different plan is refused. Empty means the caller does not check.
	PlanHash string `json:"planHash,omitempty"`
}

// openMetadata returns the checkpoint's metadata, writing it (and the plan)
// for a new checkpoint, or checking that an existing one is this query's.
func openMetadata(fsys FS, given Metadata, plan []byte) (Metadata, error) {
	data, err := fsys.ReadFile(metadataFile)
	if errors.Is(err, fs.ErrNotExist) {
		return createMetadata(fsys, given, plan)
	}
	if err != nil {
		return Metadata{}, err
	}
	var stored Metadata
	path := fsys.Path(metadataFile)
	if err := decode(path, "restore it from a backup, or start the query on a new checkpoint location", data, &stored); err != nil {
		return Metadata{}, err
	}
	if stored.ID == "" {
		return Metadata{}, &CorruptError{Path: path, Reason: "it names no query id", Hint: "restore it from a backup"}
	}
	if err := matchMetadata(path, stored, given); err != nil {
		return Metadata{}, err
	}
	return stored, ensurePlan(fsys, plan)
}

// matchMetadata refuses a checkpoint of another query or another plan.
func matchMetadata(path string, stored, given Metadata) error {
	switch {
	case given.ID != "" && given.ID != stored.ID:
		return &MismatchError{Path: path, Field: "id", Stored: stored.ID, Given: given.ID, StoredName: stored.Name, GivenName: given.Name}
	case given.PlanHash != "" && given.PlanHash != stored.PlanHash:
		return &MismatchError{Path: path, Field: "plan hash", Stored: stored.PlanHash, Given: given.PlanHash, StoredName: stored.Name, GivenName: given.Name}
	}
	return nil
}

// createMetadata starts a new checkpoint. The plan goes first: once
// metadata exists, plan.json is the plan it describes.
func createMetadata(fsys FS, m Metadata, plan []byte) (Metadata, error) {
	if m.ID == "" {
		m.ID = newID()
	}
	if plan != nil {
		if err := fsys.WriteFile(planFile, plan, false); err != nil {
			return Metadata{}, err
		}
	}
	data, err := encode(m)
	if err != nil {
		return Metadata{}, err
	}
	if err := fsys.WriteFile(metadataFile, data, true); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return Metadata{}, fmt.Errorf("checkpoint: %s was created by another process at the same time; is the query running twice?", fsys.Path(metadataFile))
		}
		return Metadata{}, err
	}
	return m, nil
}

// ensurePlan writes plan.json for a checkpoint that has none because it was
// opened before without a plan. An existing plan.json stays as written.
func ensurePlan(fsys FS, plan []byte) error {
	if plan == nil {
		return nil
	}
	if _, err := fsys.ReadFile(planFile); !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return fsys.WriteFile(planFile, plan, true)
}

// newID is a random (version 4) UUID.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
