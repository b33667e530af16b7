package testcluster

import (
	"testing"
	"time"
)

// WaitFor calls fn every interval until it returns nil, and fails the test
// with fn's last error when timeout passes first.
func WaitFor(t testing.TB, timeout, interval time.Duration, fn func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := fn()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("testcluster: not done after %s: %v", timeout, err)
		}
		time.Sleep(interval)
	}
}
