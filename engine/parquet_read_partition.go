package engine

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/scalar"

	"github.com/spate-io/spate/engine/internal/kernels"
)

// partitionedFile is a file to read and its folder relative to the folder
// partition discovery starts from: slash separated, "." for that folder.
type partitionedFile struct {
	path string
	rel  string
}

// partitionFolders are the col=value folders above one file, outermost
// first: the column names unescaped, the values raw (as in the folder
// name), because type inference reads some of them raw.
type partitionFolders struct {
	names []string
	raws  []string
}

// parsePartitionFolders reads the partition folders of rel as Spark's
// PartitioningUtils.parsePartition does: from the innermost folder
// outwards, folders without "=" below the partition folders are passed
// over, and the first one above them ends the search.
func parsePartitionFolders(rel string) (partitionFolders, error) {
	var pf partitionFolders
	if rel == "" || rel == "." {
		return pf, nil
	}
	segs := strings.Split(rel, "/")
	for i := len(segs) - 1; i >= 0; i-- {
		seg := segs[i]
		col, raw, ok := strings.Cut(seg, "=")
		if !ok {
			if len(pf.names) > 0 {
				break
			}
			continue
		}
		name := unescapePathName(col)
		switch {
		case name == "":
			return pf, fmt.Errorf("folder %q has an empty partition column name", seg)
		case raw == "":
			return pf, fmt.Errorf("folder %q has an empty partition value (a null value is written %s)", seg, hiveDefaultPartition)
		case indexFold(pf.names, name) >= 0:
			return pf, fmt.Errorf("partition column %s appears twice in folder %s", name, rel)
		}
		pf.names = append([]string{name}, pf.names...)
		pf.raws = append([]string{raw}, pf.raws...)
	}
	return pf, nil
}

// indexFold is the index of name in names, compared case-insensitively
// as Spark compares column names, or -1.
func indexFold(names []string, name string) int {
	for i, n := range names {
		if strings.EqualFold(n, name) {
			return i
		}
	}
	return -1
}

func sameNamesFold(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !strings.EqualFold(a[i], b[i]) {
			return false
		}
	}
	return true
}

// partitioning is the partition columns of a read and each file's values.
type partitioning struct {
	// fields are the partition columns, in folder order, all nullable.
	fields []arrow.Field
	// values are each file's values, one per field.
	values [][]scalar.Scalar
}

// discoverPartitions finds the partition columns of files, which must all
// sit under the same ones, and reads each file's values. A column's type
// is hints[name] when the sink's log declares one, else inferred from
// every value of the column, as Spark infers it.
func discoverPartitions(files []partitionedFile, hints map[string]arrow.DataType) (partitioning, error) {
	var p partitioning
	if len(files) == 0 {
		return p, nil
	}
	folders := make([]partitionFolders, len(files))
	for i, f := range files {
		pf, err := parsePartitionFolders(f.rel)
		if err != nil {
			return p, fmt.Errorf("engine: ReadParquet: %s: %v", f.path, err)
		}
		if i > 0 && !sameNamesFold(pf.names, folders[0].names) {
			return p, fmt.Errorf("engine: ReadParquet: %s is under %s but %s is under %s; every file of a partitioned folder must sit under the same col=value folders (move the odd file out, or read the two separately)",
				files[0].path, describeFolders(folders[0].names), f.path, describeFolders(pf.names))
		}
		folders[i] = pf
	}
	for j, name := range folders[0].names {
		dt := hints[name]
		if dt == nil {
			t := partType{kind: kindNull}
			for _, pf := range folders {
				t = widenPartitionTypes(t, inferPartitionValue(pf.raws[j]))
			}
			dt = t.arrowType()
		}
		p.fields = append(p.fields, arrow.Field{Name: name, Type: dt, Nullable: true})
	}
	p.values = make([][]scalar.Scalar, len(files))
	for i, pf := range folders {
		p.values[i] = make([]scalar.Scalar, len(pf.raws))
		for j, raw := range pf.raws {
			sc, err := partitionScalar(raw, p.fields[j].Type)
			if err != nil {
				return p, fmt.Errorf("engine: ReadParquet: %s: partition folder %s=%s cannot be read as %s: %v", files[i].path, pf.names[j], raw, p.fields[j].Type, err)
			}
			p.values[i][j] = sc
		}
	}
	return p, nil
}

func describeFolders(names []string) string {
	if len(names) == 0 {
		return "no partition folder"
	}
	return "partition folders " + strings.Join(names, "=…/") + "=…"
}

// unescapePathName undoes the escaping of partition folder names, as
// Spark's ExternalCatalogUtils.unescapePathName: %XX (two hex digits)
// becomes the character XX, anything else stays as it is.
func unescapePathName(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if hi, lo := kernels.HexDigit(s[i+1]), kernels.HexDigit(s[i+2]); hi >= 0 && lo >= 0 {
				b.WriteRune(rune(hi<<4 | lo))
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
