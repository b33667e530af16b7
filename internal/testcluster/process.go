package testcluster

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Process is one spate process of a test.
type Process struct {
	Name string
	cmd  *exec.Cmd
	logs *logBuffer
	done chan struct{}
	err  error // how it ended, once done is closed
}

// StartProcess starts the spate binary with args. Its output is kept (and
// shown with t.Log, prefixed with [name], if the test fails); it is killed
// at the end of the test.
func StartProcess(t testing.TB, name string, args ...string) *Process {
	t.Helper()
	p := &Process{Name: name, cmd: exec.Command(Binary(t), args...), logs: &logBuffer{}, done: make(chan struct{})}
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	p.cmd.Env = os.Environ()
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("testcluster: starting %s: %v", name, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.Kill()
		if t.Failed() {
			t.Logf("--- logs of %s (%s)\n%s", name, strings.Join(args, " "), p.logs.tail(300, "["+name+"] "))
		}
	})
	return p
}

// Pid is the process id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Kill sends SIGKILL and waits for the process to end.
func (p *Process) Kill() {
	if p.Exited() {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// Stop sends SIGTERM and waits up to timeout for a clean exit, then
// kills. It returns how the process ended.
func (p *Process) Stop(timeout time.Duration) error {
	if !p.Exited() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
	}
	select {
	case <-p.done:
		return p.err
	case <-time.After(timeout):
		p.Kill()
		return fmt.Errorf("testcluster: %s did not stop within %s after SIGTERM; killed", p.Name, timeout)
	}
}

// Pause and Resume stop and continue the process (SIGSTOP, SIGCONT): a
// hung process that still holds its sockets.
func (p *Process) Pause()  { _ = p.cmd.Process.Signal(syscall.SIGSTOP) }
func (p *Process) Resume() { _ = p.cmd.Process.Signal(syscall.SIGCONT) }

// Exited reports whether the process has ended.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Logs returns everything the process wrote so far.
func (p *Process) Logs() string { return p.logs.String() }

// logBuffer is a goroutine-safe buffer of a process's output.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// tail returns the last n lines, each prefixed.
func (b *logBuffer) tail(n int, prefix string) string {
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("... %d lines before", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	for i := range lines {
		lines[i] = prefix + lines[i]
	}
	return strings.Join(lines, "\n")
}
