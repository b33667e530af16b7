package cmd

import (
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// supervisor runs children of this binary with prefixed logs, restarts a
// child that exits on its own (at most 5 times a minute), and stops them
// all in reverse start order.
type supervisor struct {
	bin    string
	out    io.Writer
	failed chan error

	mu       sync.Mutex
	children []*child
	stopping bool
}

type child struct {
	name string
	args []string
	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when the supervising goroutine ends
}

func (s *supervisor) start(name string, args ...string) {
	ch := &child{name: name, args: args, done: make(chan struct{})}
	s.mu.Lock()
	s.children = append(s.children, ch)
	s.mu.Unlock()
	go s.supervise(ch)
}

func (s *supervisor) supervise(ch *child) {
	defer close(ch.done)
	var crashes []time.Time
	for {
		err := s.runOnce(ch)
		if s.isStopping() {
			return
		}
		now := time.Now()
		crashes = append(crashes, now)
		for len(crashes) > 0 && now.Sub(crashes[0]) > time.Minute {
			crashes = crashes[1:]
		}
		if len(crashes) > 5 {
			s.fail(fmt.Errorf("dev: %s exited %d times within a minute (last: %v); see its log above", ch.name, len(crashes), err))
			return
		}
		fmt.Fprintf(s.out, "[dev] %s exited (%v); restarting it in 1s\n", ch.name, err)
		time.Sleep(time.Second)
		if s.isStopping() {
			return
		}
	}
}

// runOnce runs the child until it exits. Children get their own process
// group, so the terminal's Ctrl-C reaches only dev, which stops them in
// order.
func (s *supervisor) runOnce(ch *child) error {
	cmd := exec.Command(s.bin, ch.args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	pw := &prefixWriter{prefix: "[" + ch.name + "] ", out: s.out}
	cmd.Stdout, cmd.Stderr = pw, pw
	ch.mu.Lock()
	err := cmd.Start()
	if err == nil {
		ch.cmd = cmd
	}
	ch.mu.Unlock()
	if err != nil {
		return err
	}
	err = cmd.Wait()
	pw.flush()
	return err
}

func (s *supervisor) isStopping() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopping
}

func (s *supervisor) fail(err error) {
	select {
	case s.failed <- err:
	default:
	}
}

// stopAll sends SIGTERM to every child, newest first, waiting up to
// timeout for each before SIGKILL.
func (s *supervisor) stopAll(timeout time.Duration) {
	s.mu.Lock()
	s.stopping = true
	children := append([]*child(nil), s.children...)
	s.mu.Unlock()
	for i := len(children) - 1; i >= 0; i-- {
		ch := children[i]
		ch.signal(syscall.SIGTERM)
		select {
		case <-ch.done:
		case <-time.After(timeout):
			fmt.Fprintf(s.out, "[dev] %s did not stop within %s; killing it\n", ch.name, timeout)
			ch.signal(syscall.SIGKILL)
			<-ch.done
		}
	}
}

func (ch *child) signal(sig syscall.Signal) {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if ch.cmd != nil && ch.cmd.Process != nil {
		_ = ch.cmd.Process.Signal(sig)
	}
}

// prefixWriter writes whole lines, each prefixed, to out.
type prefixWriter struct {
	prefix string
	out    io.Writer
	mu     sync.Mutex
	buf    []byte
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf = append(p.buf, b...)
	for {
		i := strings.IndexByte(string(p.buf), '\n')
		if i < 0 {
			return len(b), nil
		}
		fmt.Fprintf(p.out, "%s%s\n", p.prefix, p.buf[:i])
		p.buf = p.buf[i+1:]
	}
}

func (p *prefixWriter) flush() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.buf) > 0 {
		fmt.Fprintf(p.out, "%s%s\n", p.prefix, p.buf)
		p.buf = nil
	}
}

// lockedWriter serialises writes from the children's log copiers.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}
