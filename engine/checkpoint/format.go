package checkpoint

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
)

// formatVersion is the first line of every file this build writes
// (Spark's log files start the same way).
const formatVersion = "v1"

var versionLine = regexp.MustCompile(`^v[0-9]{1,9}$`)

// encode renders v as a checkpoint file: the version line, then JSON.
func encode(v any) ([]byte, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: encoding: %w", err)
	}
	out := make([]byte, 0, len(formatVersion)+len(body)+2)
	out = append(out, formatVersion+"\n"...)
	out = append(out, body...)
	return append(out, '\n'), nil
}

// decode reads a checkpoint file into v, refusing an unknown version or
// anything that is not one complete JSON value. path names the file in
// errors; hint says what the user can do about a corrupt file.
func decode(path, hint string, data []byte, v any) error {
	line, body, ok := bytes.Cut(data, []byte("\n"))
	switch {
	case len(data) == 0:
		return &CorruptError{Path: path, Reason: "the file is empty", Hint: hint}
	case !ok || !versionLine.Match(line):
		return &CorruptError{Path: path, Reason: fmt.Sprintf("it does not start with a version line like %q", formatVersion), Hint: hint}
	case string(line) != formatVersion:
		return &UnsupportedVersionError{Path: path, Version: string(line)}
	}
	if err := json.Unmarshal(body, v); err != nil {
		return &CorruptError{Path: path, Reason: "bad JSON: " + err.Error(), Hint: hint}
	}
	return nil
}
