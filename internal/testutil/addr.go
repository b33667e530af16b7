package testutil

import (
	"net"
	"testing"
)

// FreeAddr returns a 127.0.0.1 address whose TCP port was free a moment
// ago, for a server a test starts (or restarts) on a known address.
// Another process may take the port in between; tests that cannot retry
// should listen on port 0 instead.
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
