package checkpoint

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestLocalFS(t *testing.T) {
	testFSContract(t, func(t *testing.T) FS { return NewLocal(filepath.Join(t.TempDir(), "ckpt")) })
}

// testFSContract checks the behaviour the checkpoint relies on from an FS;
// an object-storage FS runs it too.
func testFSContract(t *testing.T, newFS func(t *testing.T) FS) {
	t.Run("write read list remove", func(t *testing.T) {
		f := newFS(t)
		if names, err := f.List("offsets"); err != nil || len(names) != 0 {
			t.Fatalf("List of a missing folder = %v, %v", names, err)
		}
		for _, n := range []string{"offsets/10", "offsets/9", "offsets/1"} {
			if err := f.WriteFile(n, []byte(n), true); err != nil {
				t.Fatal(err)
			}
		}
		if names, err := f.List("offsets"); err != nil || !reflect.DeepEqual(names, []string{"1", "10", "9"}) {
			t.Fatalf("List = %v, %v", names, err)
		}
		if b, err := f.ReadFile("offsets/9"); err != nil || string(b) != "offsets/9" {
			t.Fatalf("ReadFile = %q, %v", b, err)
		}
		if err := f.Remove("offsets/9"); err != nil {
			t.Fatal(err)
		}
		if err := f.Remove("offsets/9"); err != nil {
			t.Fatalf("removing a missing file: %v", err)
		}
		if _, err := f.ReadFile("offsets/9"); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("ReadFile of a removed file = %v, want ErrNotExist", err)
		}
	})
	t.Run("exclusive and replacing writes", func(t *testing.T) {
		f := newFS(t)
		if err := f.WriteFile("metadata", []byte("one"), true); err != nil {
			t.Fatal(err)
		}
		if err := f.WriteFile("metadata", []byte("two"), true); !errors.Is(err, fs.ErrExist) {
			t.Fatalf("second exclusive write = %v, want ErrExist", err)
		}
		if b, _ := f.ReadFile("metadata"); string(b) != "one" {
			t.Fatalf("exclusive write replaced the file: %q", b)
		}
		if err := f.WriteFile("metadata", []byte("three"), false); err != nil {
			t.Fatal(err)
		}
		if b, _ := f.ReadFile("metadata"); string(b) != "three" {
			t.Fatalf("replacing write: %q", b)
		}
	})
}

func TestLocalTempFiles(t *testing.T) {
	dir := t.TempDir()
	l := NewLocal(dir)
	if err := l.WriteFile("offsets/0", []byte("x"), true); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{".0.abcd.tmp", ".keep", "keep.tmp"} {
		if err := os.WriteFile(filepath.Join(dir, "offsets", n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "offsets", "5"), 0o755); err != nil {
		t.Fatal(err)
	}
	if names, _ := l.List("offsets"); !reflect.DeepEqual(names, []string{".keep", "0", "keep.tmp"}) {
		t.Fatalf("List = %v: temporary files and folders must not be listed", names)
	}
	if err := l.RemoveTemp("offsets"); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "offsets"))
	var left []string
	for _, e := range entries {
		left = append(left, e.Name())
	}
	if !reflect.DeepEqual(left, []string{".keep", "0", "5", "keep.tmp"}) {
		t.Fatalf("after RemoveTemp: %v; only .<name>.<random>.tmp files go", left)
	}
	for _, bad := range []string{"", "/abs", "../up", "a/../b", "."} {
		if err := l.WriteFile(bad, nil, false); err == nil {
			t.Errorf("WriteFile(%q) accepted", bad)
		}
	}
}
