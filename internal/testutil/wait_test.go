package testutil

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestWaitForReturnsOnceTrue(t *testing.T) {
	calls := 0
	WaitFor(t, 10*time.Second, time.Millisecond, func() error {
		if calls++; calls < 3 {
			return errors.New("not yet")
		}
		return nil
	})
	if calls != 3 {
		t.Errorf("fn called %d times, want 3", calls)
	}
}

// fatalTB records Fatalf and ends its goroutine, as testing.T does.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Helper() {}
func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func TestWaitForFailsWithTheLastError(t *testing.T) {
	f := &fatalTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		n := 0
		WaitFor(f, 20*time.Millisecond, time.Millisecond, func() error {
			n++
			return fmt.Errorf("attempt %d", n)
		})
	}()
	<-done
	if !strings.HasPrefix(f.msg, "condition not met within 20ms: attempt ") {
		t.Errorf("message %q", f.msg)
	}
}
