package checkpoint

import (
	"errors"
	"fmt"
)

var (
	// ErrCorrupt is matched (errors.Is) by a *CorruptError.
	ErrCorrupt = errors.New("checkpoint: corrupt file")
	// ErrUnsupportedVersion is matched by an *UnsupportedVersionError.
	ErrUnsupportedVersion = errors.New("checkpoint: unsupported file version")
	// ErrOtherQuery is matched by a *MismatchError.
	ErrOtherQuery = errors.New("checkpoint: checkpoint of another query")
	// ErrDamaged is matched by the error of a checkpoint whose files are
	// each readable but do not fit together (a commit without its offsets,
	// missing commits).
	ErrDamaged = errors.New("checkpoint: damaged checkpoint")
)

// CorruptError is a file that cannot be read: bad JSON, truncated, or
// content that contradicts its name.
type CorruptError struct {
	Path   string // the file, as FS.Path names it
	Reason string
	Hint   string // what the user can do, when known
}

func (e *CorruptError) Error() string {
	msg := fmt.Sprintf("checkpoint: %s is corrupt: %s", e.Path, e.Reason)
	if e.Hint != "" {
		msg += "; " + e.Hint
	}
	return msg
}

// Is makes errors.Is(err, ErrCorrupt) true.
func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }

// UnsupportedVersionError is a file written in a format this build does
// not read.
type UnsupportedVersionError struct {
	Path    string
	Version string // the file's version line, e.g. "v2"
}

func (e *UnsupportedVersionError) Error() string {
	return fmt.Sprintf("checkpoint: %s has format %s but this build of spate reads only %s; it was written by a newer spate: run that version", e.Path, e.Version, formatVersion)
}

// Is makes errors.Is(err, ErrUnsupportedVersion) true.
func (e *UnsupportedVersionError) Is(target error) bool { return target == ErrUnsupportedVersion }

// MismatchError is a checkpoint that belongs to another query, or to an
// earlier version of this query's plan.
type MismatchError struct {
	Path          string // the metadata file
	Field         string // "id" or "plan hash"
	Stored, Given string // the field's value in the checkpoint and now
	StoredName    string // the query name in the checkpoint
	GivenName     string // the query name now
}

func (e *MismatchError) Error() string {
	if e.Field == "plan hash" {
		return fmt.Sprintf("checkpoint: the plan of query %q changed since %s was written (plan hash %s there, %s now); a changed query needs a new checkpoint location",
			e.GivenName, e.Path, e.Stored, e.Given)
	}
	return fmt.Sprintf("checkpoint: %s belongs to query %s (%q), not to query %s (%q); give each query its own checkpoint location",
		e.Path, e.Stored, e.StoredName, e.Given, e.GivenName)
}

// Is makes errors.Is(err, ErrOtherQuery) true.
func (e *MismatchError) Is(target error) bool { return target == ErrOtherQuery }
