package checkpoint

import (
	"fmt"
	"slices"
	"strconv"
)

// batchIDs lists the batch ids of the files in dir (offsets or commits),
// ascending. Names that are not a batch id in canonical decimal (temporary
// files, a stray ".DS_Store", "007") are not batches and are skipped.
func batchIDs(fsys FS, dir string) ([]int64, error) {
	names, err := fsys.List(dir)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, n := range names {
		if id, ok := parseBatchID(n); ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// latestID is the highest batch id in dir.
func latestID(fsys FS, dir string) (int64, bool, error) {
	ids, err := batchIDs(fsys, dir)
	if err != nil || len(ids) == 0 {
		return 0, false, err
	}
	return ids[len(ids)-1], true, nil
}

func parseBatchID(name string) (int64, bool) {
	id, err := strconv.ParseInt(name, 10, 64)
	if err != nil || id < 0 || strconv.FormatInt(id, 10) != name {
		return 0, false
	}
	return id, true
}

func batchFile(dir string, id int64) string { return fmt.Sprintf("%s/%d", dir, id) }
