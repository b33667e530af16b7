package cluster

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/hashicorp/raft"
)

// One TCP port serves both raft and forwarded commands: the dialer's first
// byte says which.
const (
	connRaft    byte = 'R'
	connForward byte = 'F'
)

// muxListener accepts connections on the raft address and routes each by
// its first byte: raft connections to the raft transport (through
// raftStream), forwarded commands to the forward handler.
type muxListener struct {
	ln        net.Listener
	log       *slog.Logger
	raftConns chan net.Conn
	forward   func(net.Conn)
	closed    chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup
}

func listenMux(addr string, log *slog.Logger) (*muxListener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("cluster: listening for raft on %s: %w", addr, err)
	}
	return &muxListener{ln: ln, log: log, raftConns: make(chan net.Conn), closed: make(chan struct{})}, nil
}

// serve accepts until Close; forward handles forwarded-command connections.
func (m *muxListener) serve(forward func(net.Conn)) {
	m.forward = forward
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		for {
			conn, err := m.ln.Accept()
			if err != nil {
				select {
				case <-m.closed:
					return
				default:
				}
				if errors.Is(err, net.ErrClosed) {
					return
				}
				m.log.Warn("cluster: accepting a raft connection", "err", err)
				time.Sleep(10 * time.Millisecond) // a transient accept error; do not spin
				continue
			}
			m.wg.Add(1)
			go func() {
				defer m.wg.Done()
				m.route(conn)
			}()
		}
	}()
}

func (m *muxListener) route(conn net.Conn) {
	var kind [1]byte
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(conn, kind[:]); err != nil {
		conn.Close()
		return
	}
	_ = conn.SetReadDeadline(time.Time{})
	switch kind[0] {
	case connRaft:
		select {
		case m.raftConns <- conn:
		case <-m.closed:
			conn.Close()
		}
	case connForward:
		m.forward(conn)
	default:
		conn.Close()
	}
}

// Addr is the address actually listened on.
func (m *muxListener) Addr() net.Addr { return m.ln.Addr() }

// Close stops accepting and waits for the routing goroutines.
func (m *muxListener) Close() error {
	var err error
	m.closeOnce.Do(func() {
		close(m.closed)
		err = m.ln.Close()
	})
	m.wg.Wait()
	return err
}

// raftStream is raft's StreamLayer over the mux.
type raftStream struct {
	mux       *muxListener
	advertise net.Addr
}

func (s *raftStream) Accept() (net.Conn, error) {
	select {
	case c := <-s.mux.raftConns:
		return c, nil
	case <-s.mux.closed:
		return nil, net.ErrClosed
	}
}

// Close is a no-op: the Controller closes the mux after raft has stopped.
func (s *raftStream) Close() error { return nil }

func (s *raftStream) Addr() net.Addr { return s.advertise }

func (s *raftStream) Dial(address raft.ServerAddress, timeout time.Duration) (net.Conn, error) {
	return dialMux(string(address), connRaft, timeout)
}

func dialMux(addr string, kind byte, timeout time.Duration) (net.Conn, error) {
	conn, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return nil, err
	}
	_ = conn.SetWriteDeadline(time.Now().Add(timeout))
	if _, err := conn.Write([]byte{kind}); err != nil {
		conn.Close()
		return nil, err
	}
	_ = conn.SetWriteDeadline(time.Time{})
	return conn, nil
}
