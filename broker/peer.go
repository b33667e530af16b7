package broker

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/twmb/franz-go/pkg/kbin"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// peerConn is a connection from this broker to another for replication
// (follower Fetch, OffsetForLeaderEpoch): one request at a time, encoded
// and decoded with kmsg like any client's. Brokers of one cluster run the
// same build, so it sends the versions this broker implements without
// an ApiVersions round trip.
type peerConn struct {
	nc   net.Conn
	br   *bufio.Reader
	fmt  *kmsg.RequestFormatter
	corr int32
	buf  []byte
	max  int32 // largest response frame accepted
}

// dialPeer connects to a broker's Kafka address.
func dialPeer(ctx context.Context, addr, clientID string, maxResponse int32) (*peerConn, error) {
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	if tc, ok := nc.(*net.TCPConn); ok {
		tc.SetNoDelay(true)
	}
	return &peerConn{nc: nc, br: bufio.NewReaderSize(nc, 64<<10), fmt: kmsg.NewRequestFormatter(kmsg.FormatterClientID(clientID)), max: maxResponse}, nil
}

// roundTrip sends req and reads its response. Cancelling ctx closes the
// connection, which ends a request in flight; the connection is unusable
// after any error.
func (c *peerConn) roundTrip(ctx context.Context, req kmsg.Request) (kmsg.Response, error) {
	stop := context.AfterFunc(ctx, func() { c.nc.Close() })
	defer stop()
	if dl, ok := ctx.Deadline(); ok {
		c.nc.SetDeadline(dl)
	} else {
		c.nc.SetDeadline(time.Time{})
	}
	c.corr++
	c.buf = c.fmt.AppendRequest(c.buf[:0], req, c.corr)
	if _, err := c.nc.Write(c.buf); err != nil {
		return nil, c.fail(ctx, err)
	}
	var size [4]byte
	if _, err := io.ReadFull(c.br, size[:]); err != nil {
		return nil, c.fail(ctx, err)
	}
	n := int32(binary.BigEndian.Uint32(size[:]))
	if n < 4 || n > c.max {
		return nil, fmt.Errorf("broker: a peer answered with a frame of %d bytes (limit %d)", n, c.max)
	}
	frame := make([]byte, n)
	if _, err := io.ReadFull(c.br, frame); err != nil {
		return nil, c.fail(ctx, err)
	}
	return decodeResponse(frame, c.corr, req)
}

func (c *peerConn) fail(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

func (c *peerConn) close() { c.nc.Close() }

// decodeResponse parses a response frame (without its size) to req.
func decodeResponse(frame []byte, corr int32, req kmsg.Request) (kmsg.Response, error) {
	r := kbin.Reader{Src: frame}
	if got := r.Int32(); got != corr {
		return nil, fmt.Errorf("broker: a peer answered correlation id %d to request %d", got, corr)
	}
	resp := req.ResponseKind()
	resp.SetVersion(req.GetVersion())
	if resp.IsFlexible() && resp.Key() != kmsg.ApiVersions.Int16() {
		kmsg.SkipTags(&r)
	}
	if err := r.Complete(); err != nil {
		return nil, errors.New("broker: a peer's response header is malformed")
	}
	if err := resp.ReadFrom(r.Src); err != nil {
		return nil, fmt.Errorf("broker: decoding a peer's %s response: %w", kmsg.NameForKey(req.Key()), err)
	}
	return resp, nil
}
