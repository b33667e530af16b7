package fsutil

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// IsTemp reports whether name is one CreateTemp makes from pattern: the
// pattern's text before and after its last "*" (all of it before, when
// there is none) around 16 lowercase hex digits.
func IsTemp(pattern, name string) bool {
	prefix, suffix := pattern, ""
	if i := strings.LastIndexByte(pattern, '*'); i >= 0 {
		prefix, suffix = pattern[:i], pattern[i+1:]
	}
	if len(name) != len(prefix)+2*randomBytes+len(suffix) || !strings.HasPrefix(name, prefix) || !strings.HasSuffix(name, suffix) {
		return false
	}
	for _, c := range name[len(prefix) : len(name)-len(suffix)] {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// RemoveTemps deletes the files of dir named by pattern (see IsTemp): what
// writes cut short by a crash left. Call it before a write with pattern
// starts, so that none is in progress. A missing dir has none.
func RemoveTemps(dir, pattern string) error {
	ents, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("list %s: %w", dir, err)
	}
	for _, e := range ents {
		if e.Type().IsRegular() && IsTemp(pattern, e.Name()) {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !os.IsNotExist(err) {
				return fmt.Errorf("remove %s: %w", filepath.Join(dir, e.Name()), err)
			}
		}
	}
	return nil
}
