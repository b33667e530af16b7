package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
)

// isGlob reports whether p is a pattern rather than a path.
func isGlob(p string) bool { return strings.ContainsAny(p, "*?[") }

// splitGlob splits a pattern into the folder before its first wildcard
// (where partition discovery starts for what it matches) and the segments
// from there on. A "**" segment matches any number of folders.
func splitGlob(pattern string) (base string, segs []string, err error) {
	parts := strings.Split(filepath.ToSlash(filepath.Clean(pattern)), "/")
	i := slices.IndexFunc(parts, isGlob)
	if i < 0 {
		i = len(parts)
	}
	for _, seg := range parts[i:] {
		if _, err := filepath.Match(seg, ""); err != nil {
			return "", nil, fmt.Errorf("engine: ReadParquet: bad pattern %q: %v in %q", pattern, err, seg)
		}
	}
	base = strings.Join(parts[:i], "/")
	switch {
	case base == "" && strings.HasPrefix(pattern, "/"):
		base = "/"
	case base == "":
		base = "."
	}
	return filepath.FromSlash(base), parts[i:], nil
}

// hiddenName is Spark's rule for names a folder read skips: those that
// start with "." or "_" (unless they hold "=", as a partition folder of a
// column named _x does) and copies in progress.
func hiddenName(name string) bool {
	return (strings.HasPrefix(name, "_") && !strings.Contains(name, "=")) ||
		strings.HasPrefix(name, ".") || strings.HasSuffix(name, "._COPYING_")
}

// globMatches lists what a pattern matches, sorted. Wildcards do not
// match hidden names unless the pattern's segment starts with the same
// character ("out/*" skips out/_spate_log, "out/_*" does not), and "**"
// does not descend into hidden folders or follow links.
func globMatches(pattern string) (base string, matches []string, err error) {
	base, segs, err := splitGlob(pattern)
	if err != nil {
		return "", nil, err
	}
	if err := expandGlob(base, segs, &matches); err != nil {
		return "", nil, err
	}
	slices.Sort(matches)
	return base, slices.Compact(matches), nil
}

func expandGlob(dir string, segs []string, out *[]string) error {
	if len(segs) == 0 {
		*out = append(*out, dir)
		return nil
	}
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return nil // a file, or nothing: no match below it
	}
	if err != nil {
		return fmt.Errorf("engine: ReadParquet: %v", err)
	}
	seg := segs[0]
	if seg == "**" {
		if err := expandGlob(dir, segs[1:], out); err != nil {
			return err
		}
		for _, e := range ents {
			if e.IsDir() && !hiddenName(e.Name()) {
				if err := expandGlob(filepath.Join(dir, e.Name()), segs, out); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, e := range ents {
		name := e.Name()
		if hiddenName(name) && !strings.HasPrefix(seg, name[:1]) {
			continue
		}
		if ok, _ := filepath.Match(seg, name); ok {
			if err := expandGlob(filepath.Join(dir, name), segs[1:], out); err != nil {
				return err
			}
		}
	}
	return nil
}
