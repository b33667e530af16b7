package parquetlog

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeManifest(t *testing.T, root, name, content string) {
	t.Helper()
	if err := os.MkdirAll(Dir(root), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(Dir(root), name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// batchJSON is a manifest of batch n listing files.
func batchJSON(n int64, compact bool, files ...string) string {
	var fs []string
	for _, f := range files {
		fs = append(fs, fmt.Sprintf(`{"path":%q,"rows":1,"bytes":1}`, f))
	}
	return fmt.Sprintf(`{"version":1,"compact":%v,"batches":[{"batchId":%d,"committedAtMs":0,"files":[%s]}]}`, compact, n, strings.Join(fs, ","))
}

func TestRead(t *testing.T) {
	root := t.TempDir()
	if _, err := (Reader{}).Read(root); !errors.Is(err, ErrNoLog) {
		t.Fatalf("no log: %v, want ErrNoLog", err)
	}
	if m, _, err := (Reader{}).Latest(root); m != nil || err != nil {
		t.Fatalf("Latest of no log: %v %v, want nothing", m, err)
	}
	writeManifest(t, root, "0.json", batchJSON(0, false, "a.parquet"))
	writeManifest(t, root, "1.json", batchJSON(1, false, "b.parquet"))
	writeManifest(t, root, "1.compact", batchJSON(1, true, "b.parquet"))
	writeManifest(t, root, "2.json", batchJSON(2, false, "x/c.parquet"))
	writeManifest(t, root, ".3.json.tmp-1", "{")
	l, err := (Reader{}).Read(root)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range l.Files {
		got = append(got, fmt.Sprintf("%d:%s", f.Batch, f.RelPath))
		if f.Path != filepath.Join(root, filepath.FromSlash(f.RelPath)) {
			t.Errorf("path %s of %s", f.Path, f.RelPath)
		}
	}
	if l.LatestBatch != 2 || strings.Join(got, " ") != "1:b.parquet 2:x/c.parquet" {
		t.Errorf("latest %d, files %v; want 2, the compaction's then batch 2's", l.LatestBatch, got)
	}
	if m, _, err := (Reader{}).Latest(root); err != nil || m.Batches[0].ID != 2 {
		t.Errorf("Latest: %+v %v, want batch 2", m, err)
	}
}

func TestReadRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, file, content, want string
	}{
		{"not json", "0.json", `{"version":1,"batches":[{"batchId":0,"files":[`, "0.json is not a valid _spate_log manifest: manifest is not valid JSON"},
		{"outside", "0.json", batchJSON(0, false, "../secret.parquet"), `lists file "../secret.parquet", which is not a clean path inside the sink's folder`},
		{"absolute", "0.json", batchJSON(0, false, "/etc/passwd"), `lists file "/etc/passwd", which is not a clean path`},
		{"twice", "0.json", batchJSON(0, false, "a.parquet", "a.parquet"), "manifest lists file a.parquet twice"},
		{"other batch", "0.json", batchJSON(1, false, "a.parquet"), "0.json does not hold what its name says (compact false, last batch 1)"},
		{"compact named json", "0.json", batchJSON(0, true, "a.parquet"), "does not hold what its name says (compact true"},
		{"later compaction", "0.compact", batchJSON(1, true, "a.parquet"), "0.compact does not hold what its name says"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			writeManifest(t, root, tc.file, tc.content)
			_, err := (Reader{}).Read(root)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("%v, want %q", err, tc.want)
			}
		})
	}
}

// TestReadCheckFileFirst: a reader's own check of the entries runs before
// the generic one, and its error is the one returned.
func TestReadCheckFileFirst(t *testing.T) {
	root := t.TempDir()
	writeManifest(t, root, "0.json", batchJSON(0, false, "ok.parquet", "../secret.parquet"))
	var seen []string
	r := Reader{CheckFile: func(batch int64, f FileEntry, partitionBy []string) error {
		seen = append(seen, f.Path)
		if !strings.HasPrefix(f.Path, "ok") {
			return fmt.Errorf("bad file entry %q for batch %d", f.Path, batch)
		}
		return nil
	}}
	_, err := r.Read(root)
	if err == nil || !strings.Contains(err.Error(), `bad file entry "../secret.parquet" for batch 0`) {
		t.Fatalf("%v, want the reader's own message", err)
	}
	if strings.Join(seen, " ") != "ok.parquet ../secret.parquet" {
		t.Errorf("checked %v", seen)
	}
}
