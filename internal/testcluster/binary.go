package testcluster

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// Binary returns the path of the spate binary, built once per test binary
// into a temporary folder (go build's cache makes a rebuild cheap).
func Binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "spate-testcluster-*")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "spate")
		out, err := exec.Command("go", "build", "-o", binPath, "github.com/spate-io/spate/cmd/spate").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("testcluster: building the spate binary: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}
