package testutil

import (
	"testing"
	"time"
)

// WaitFor calls fn every interval until it returns nil, and fails the test
// with fn's last error when timeout passes first. Tests wait on conditions
// with it, never on a bare sleep.
func WaitFor(t testing.TB, timeout, interval time.Duration, fn func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := fn()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %s: %v", timeout, err)
		}
		time.Sleep(interval)
	}
}
