package broker

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"sync"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// conn is one client connection. A reader goroutine decodes frames and
// handles them in order; handlers that wait (Fetch long polls, JoinGroup,
// SyncGroup) finish on their own goroutine so that the requests behind them
// are still processed. A writer goroutine sends responses strictly in
// request order, as Kafka clients require of pipelined requests.
type conn struct {
	b      *Broker
	nc     net.Conn
	ctx    context.Context
	cancel context.CancelFunc
	slots  chan *slot // in request order; capacity bounds requests in flight
	once   sync.Once
}

// slot is the response to one request, filled in possibly out of order.
type slot struct {
	corr  int32
	ready chan struct{}
	resp  kmsg.Response // nil: nothing to send (acks=0 produce)
	err   error         // non-nil: close the connection instead of answering
}

// release waits for the response and frees what it holds, for a
// response that will not be sent.
func (s *slot) release() {
	<-s.ready
	if raw, ok := s.resp.(rawResponse); ok {
		raw.release()
	}
}

func (s *slot) finish(resp kmsg.Response, err error) {
	s.resp, s.err = resp, err
	close(s.ready)
}

// reqCtx is what a handler sees of its request.
type reqCtx struct {
	ctx  context.Context // done when the connection or broker closes
	conn *conn
	hdr  requestHeader
	req  kmsg.Request
	// then, set by a handler that did in request order what must be (an
	// append) and must wait for the rest (replication), finishes the
	// response on its own goroutine; the handler then returns nil, nil.
	then func() (kmsg.Response, error)
}

func (b *Broker) newConn(nc net.Conn) *conn {
	ctx, cancel := context.WithCancel(b.ctx)
	return &conn{b: b, nc: nc, ctx: ctx, cancel: cancel, slots: make(chan *slot, b.cfg.MaxInFlightPerConn)}
}

func (c *conn) close() {
	c.once.Do(func() {
		c.cancel()
		c.nc.Close()
	})
}

// serve runs the connection until the client goes away or the broker closes.
func (c *conn) serve() {
	defer c.close()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		c.writeLoop()
	}()
	c.readLoop()
	// The client is gone (or broke the protocol): stop waiting handlers
	// and the writer rather than answer nobody.
	c.cancel()
	close(c.slots)
	wg.Wait()
	// Free what unsent responses hold (a Fetch's file ranges).
	for s := range c.slots {
		s.release()
	}
}

func (c *conn) readLoop() {
	br := bufio.NewReaderSize(c.nc, 64<<10)
	var size [4]byte
	for {
		if _, err := io.ReadFull(br, size[:]); err != nil {
			return
		}
		n := int32(binary.BigEndian.Uint32(size[:]))
		if n < 0 || n > c.b.cfg.MaxRequestBytes {
			c.b.log.Warn("broker: closing connection: request frame larger than socket.request.max.bytes",
				"remote", c.nc.RemoteAddr().String(), "bytes", n, "max", c.b.cfg.MaxRequestBytes)
			return
		}
		frame := make([]byte, n)
		if _, err := io.ReadFull(br, frame); err != nil {
			return
		}
		if !c.dispatch(frame) {
			return
		}
	}
}

// dispatch decodes and handles one frame; false closes the connection.
func (c *conn) dispatch(frame []byte) bool {
	h, req, err := decodeRequest(frame)
	if err != nil {
		if errors.Is(err, errUnsupported) && h.key == kmsg.ApiVersions.Int16() {
			return c.enqueue(h, nil, (*Broker).handleApiVersionsUnsupported, false)
		}
		c.b.log.Warn("broker: closing connection: "+err.Error(), "remote", c.nc.RemoteAddr().String(), "client", h.clientID)
		return false
	}
	a := apis[h.key]
	return c.enqueue(h, req, a.fn, a.async)
}

func (c *conn) enqueue(h requestHeader, req kmsg.Request, fn handler, async bool) bool {
	s := &slot{corr: h.corr, ready: make(chan struct{})}
	select {
	case c.slots <- s:
	case <-c.ctx.Done():
		return false
	}
	cx := &reqCtx{ctx: c.ctx, conn: c, hdr: h, req: req}
	if async {
		go s.finish(c.b.call(fn, cx))
		return true
	}
	resp, err := c.b.call(fn, cx)
	if cx.then != nil && err == nil {
		go s.finish(c.b.call(func(*Broker, *reqCtx) (kmsg.Response, error) { return cx.then() }, cx))
		return true
	}
	s.finish(resp, err)
	return true
}

// call runs a handler, turning a panic (a bug in our code, never a
// response to input) into an error that closes only this connection.
func (b *Broker) call(fn handler, cx *reqCtx) (resp kmsg.Response, err error) {
	defer func() {
		if r := recover(); r != nil {
			b.log.Error("broker: handler panicked; closing the connection", "api", kmsg.NameForKey(cx.hdr.key), "panic", r)
			err = errors.New("broker: internal error")
		}
	}()
	return fn(b, cx)
}

func (c *conn) writeLoop() {
	bw := bufio.NewWriterSize(c.nc, 64<<10)
	var buf []byte
	for s := range c.slots {
		select {
		case <-s.ready:
		default:
			// The next response is not ready (a long poll, a join): send
			// what is buffered now rather than hold it behind that one.
			if bw.Flush() != nil {
				c.close()
				return
			}
			select {
			case <-s.ready:
			case <-c.ctx.Done():
				go s.release()
				return
			}
		}
		if s.err != nil {
			c.b.log.Warn("broker: closing connection: "+s.err.Error(), "remote", c.nc.RemoteAddr().String())
			c.close()
			return
		}
		if s.resp == nil {
			continue
		}
		var err error
		if raw, ok := s.resp.(rawResponse); ok {
			buf, err = raw.writeFrame(bw, c.nc, s.corr, buf)
			raw.release()
		} else {
			buf = appendResponse(buf[:0], s.corr, s.resp)
			_, err = bw.Write(buf)
		}
		if err != nil {
			c.close()
			return
		}
		if cap(buf) > 1<<20 {
			buf = nil // do not pin a large fetch buffer per idle connection
		}
		// Pipelined responses that are already queued share one write.
		if len(c.slots) == 0 && bw.Flush() != nil {
			c.close()
			return
		}
	}
	bw.Flush()
}
