package fsutil

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestCreateTempNames(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ pattern, prefix, suffix string }{
		{".7.json.tmp-*", ".7.json.tmp-", ""},
		{".offsets.*.tmp", ".offsets.", ".tmp"},
		{"plain", "plain", ""},
	} {
		f, err := CreateTemp(dir, tc.pattern, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		name := filepath.Base(f.Name())
		random := strings.TrimSuffix(strings.TrimPrefix(name, tc.prefix), tc.suffix)
		if !strings.HasPrefix(name, tc.prefix) || !strings.HasSuffix(name, tc.suffix) || len(random) != 16 {
			t.Errorf("pattern %q made %q, want %s<16 random>%s", tc.pattern, name, tc.prefix, tc.suffix)
		}
	}
}

func TestCreateTempPerm(t *testing.T) {
	umask := syscall.Umask(0)
	syscall.Umask(umask)
	dir := t.TempDir()
	for _, perm := range []os.FileMode{0o600, 0o644} {
		p, err := WriteTemp(dir, "f-*", perm, []byte("x"))
		if err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if want := perm &^ os.FileMode(umask); st.Mode().Perm() != want {
			t.Errorf("perm %o: file has %o, want %o", perm, st.Mode().Perm(), want)
		}
	}
}

func TestWriteAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "7.json")
	for _, content := range []string{"one", "two, longer", "3"} {
		if err := WriteAtomic(p, ".7.json.tmp-*", 0o600, []byte(content)); err != nil {
			t.Fatal(err)
		}
		if b, err := os.ReadFile(p); err != nil || string(b) != content {
			t.Fatalf("read %q, %v; want %q", b, err, content)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("%d entries left in the folder, want the file alone", len(ents))
	}
}

func TestWriteFailuresLeaveNothing(t *testing.T) {
	dir := t.TempDir()
	if _, err := WriteTemp(filepath.Join(dir, "missing"), "f-*", 0o600, nil); err == nil || !strings.Contains(err.Error(), "cannot create a file in "+filepath.Join(dir, "missing")) {
		t.Errorf("WriteTemp into a missing folder: %v", err)
	}
	// Renaming over a non-empty folder fails: the temp file must go.
	target := filepath.Join(dir, "taken")
	if err := os.MkdirAll(filepath.Join(target, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteAtomic(target, ".taken.tmp-*", 0o600, []byte("data")); err == nil || !strings.Contains(err.Error(), "write "+target) {
		t.Errorf("WriteAtomic over a folder: %v", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("%d entries in the folder, want only the folder written over", len(ents))
	}
	if err := SyncDir(filepath.Join(dir, "missing")); err == nil || !strings.Contains(err.Error(), "sync folder") {
		t.Errorf("SyncDir of a missing folder: %v", err)
	}
}

func TestIsTemp(t *testing.T) {
	for _, tc := range []struct {
		pattern, name string
		want          bool
	}{
		{".hw.*.tmp", ".hw.0123456789abcdef.tmp", true},
		{".hw.*.tmp", ".hw.0123456789ABCDEF.tmp", false}, // CreateTemp writes lowercase
		{".hw.*.tmp", ".hw.0123456789abcde.tmp", false},
		{".hw.*.tmp", ".hw.0123456789abcdefa.tmp", false},
		{".hw.*.tmp", ".hw.0123456789abcdeg.tmp", false},
		{".hw.*.tmp", "hw.0123456789abcdef.tmp", false},
		{".hw.*.tmp", ".hw.0123456789abcdef.tmpx", false},
		{".hw.*.tmp", ".hw", false},
		{".hw.*.tmp", "hw", false},
		{"plain", "plain0123456789abcdef", true},
		{"plain", "plain", false},
		{"a*b*c", "a*b0123456789abcdefc", true}, // the last "*" is the random part
	} {
		if got := IsTemp(tc.pattern, tc.name); got != tc.want {
			t.Errorf("IsTemp(%q, %q) = %v, want %v", tc.pattern, tc.name, got, tc.want)
		}
	}
}

func TestRemoveTempsRemovesOnlyItsPattern(t *testing.T) {
	dir := t.TempDir()
	const pattern = ".hw.*.tmp"
	var made []string
	for range 3 {
		p, err := WriteTemp(dir, pattern, 0o644, []byte("cut short"))
		if err != nil {
			t.Fatal(err)
		}
		made = append(made, p)
	}
	keep := []string{"hw", ".hw.tmp", ".other.0123456789abcdef.tmp"}
	for _, name := range keep {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A folder with a temp file's name is not a file a write left.
	if err := os.Mkdir(filepath.Join(dir, ".hw.fedcba9876543210.tmp"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := RemoveTemps(dir, pattern); err != nil {
		t.Fatal(err)
	}
	for _, p := range made {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s is still there (%v)", p, err)
		}
	}
	for _, name := range append(keep, ".hw.fedcba9876543210.tmp") {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s was removed: %v", name, err)
		}
	}
	if err := RemoveTemps(filepath.Join(dir, "missing"), pattern); err != nil {
		t.Errorf("RemoveTemps of a missing folder: %v", err)
	}
}
