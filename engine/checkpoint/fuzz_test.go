package checkpoint

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// seedFiles returns the offsets files under testdata/offsets: ok-* decode
// as batch 5, bad-* are refused.
func seedFiles(t testing.TB) map[string][]byte {
	paths, err := filepath.Glob(filepath.Join("testdata", "offsets", "*"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no seed files in testdata/offsets: %v", err)
	}
	files := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files[filepath.Base(p)] = b
	}
	return files
}

func TestDecodeOffsetsFiles(t *testing.T) {
	for name, data := range seedFiles(t) {
		p, err := decodeOffsets("offsets/5", 5, data)
		switch {
		case strings.HasPrefix(name, "ok-") && err != nil:
			t.Errorf("%s: %v", name, err)
		case strings.HasPrefix(name, "ok-") && p.ID != 5:
			t.Errorf("%s: decoded batch %d", name, p.ID)
		case strings.HasPrefix(name, "bad-") && err == nil:
			t.Errorf("%s decoded as %+v, want it refused", name, p)
		case strings.HasPrefix(name, "bad-") && (!strings.Contains(err.Error(), "offsets/5") || !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrUnsupportedVersion)):
			t.Errorf("%s: %v, want a corrupt or version error naming offsets/5", name, err)
		}
	}
}

// FuzzReadOffsets feeds arbitrary bytes to the offsets decoder: it never
// panics, refuses with the file named, and what it accepts encodes and
// decodes back to the same plan.
func FuzzReadOffsets(f *testing.F) {
	for _, data := range seedFiles(f) {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := decodeOffsets("offsets/5", 5, data)
		if err != nil {
			if !strings.Contains(err.Error(), "offsets/5") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		again, err := decodeOffsets("offsets/5", 5, mustEncode(t, p))
		if err != nil || !reflect.DeepEqual(p, again) {
			t.Fatalf("round trip: %+v, %v; want %+v", again, err, p)
		}
	})
}
