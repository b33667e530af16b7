package parquetlog

import (
	"path/filepath"
	"strconv"
	"strings"
)

// DirName is the log's folder under a sink's output folder. It starts
// with "_", which Spark, Hive and DuckDB's hive partitioning skip.
const DirName = "_spate_log"

// Dir is the log folder of the sink output folder root.
func Dir(root string) string { return filepath.Join(root, DirName) }

// FileName is the name of batch n's manifest, N.json, or with compact of
// the compaction up to n, N.compact.
func FileName(n int64, compact bool) string {
	if compact {
		return strconv.FormatInt(n, 10) + ".compact"
	}
	return strconv.FormatInt(n, 10) + ".json"
}

// Path is the path of a manifest under root (see FileName).
func Path(root string, n int64, compact bool) string {
	return filepath.Join(Dir(root), FileName(n, compact))
}

// ParseName recognises N.json and N.compact, N in canonical decimal (no
// sign, no leading zero).
func ParseName(name string) (n int64, compact, ok bool) {
	base, ext, found := strings.Cut(name, ".")
	if !found || (ext != "json" && ext != "compact") || base == "" || base[0] == '+' || base[0] == '-' {
		return 0, false, false
	}
	n, err := strconv.ParseInt(base, 10, 64)
	if err != nil || strconv.FormatInt(n, 10) != base {
		return 0, false, false
	}
	return n, ext == "compact", true
}

// TempPattern is the temp file pattern (fsutil.CreateTemp) of an atomic
// write of the manifest name: "." + name + ".tmp-" + random. A listing
// recognises what a cut-short write left (Listing.Temps).
func TempPattern(name string) string { return "." + name + ".tmp-*" }

// isTemp recognises the names TempPattern makes.
func isTemp(name string) bool {
	return strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp-")
}
