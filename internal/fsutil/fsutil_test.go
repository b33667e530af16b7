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
