package broker

import (
	"fmt"
	"path/filepath"

	"github.com/spate-io/spate/internal/fsutil"
)

// writeFileAtomic replaces path with data (fsutil.WriteAtomic, mode 0644)
// so that a crash leaves either the old or the new content, never a mix.
// The temp file is named by tempPattern: in a partition folder the log's
// recovery removes a leftover one (it ends in ".tmp"), in the data folder
// removeTemps does.
func writeFileAtomic(path string, data []byte) error {
	if err := fsutil.WriteAtomic(path, tempPattern(filepath.Base(path)), 0o644, data); err != nil {
		return fmt.Errorf("broker: %w", err)
	}
	return nil
}

// tempPattern names the temp files of writes to the file name.
func tempPattern(name string) string { return "." + name + ".*.tmp" }

// removeTemps deletes the temp files that writes to dir/name cut short by
// a crash left. Call it before the first write.
func removeTemps(dir, name string) error {
	if err := fsutil.RemoveTemps(dir, tempPattern(name)); err != nil {
		return fmt.Errorf("broker: %w", err)
	}
	return nil
}
