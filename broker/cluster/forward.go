package cluster

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"time"
)

// Forwarding: a node that is not the controller sends the encoded command
// to the controller over the raft port (first byte connForward), one
// request per connection: a 4-byte big-endian length and a JSON
// forwardRequest; the answer is framed the same way. Metadata changes are
// rare, so a connection per command costs nothing that matters.

// maxForwardFrame bounds a forwarded frame (a CreateTopics with a large
// explicit assignment is well below it).
const maxForwardFrame = 64 << 20

type forwardRequest struct {
	Command json.RawMessage `json:"command"`
}

type forwardResponse struct {
	Result *Result `json:"result,omitempty"`
	Err    *Error  `json:"error,omitempty"`
	// NotController is set when the receiver is not the controller;
	// ControllerID names the one it knows of (-1 if none).
	NotController bool  `json:"notController,omitempty"`
	ControllerID  int32 `json:"controllerId"`
}

func writeFrame(w io.Writer, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	frame := binary.BigEndian.AppendUint32(make([]byte, 0, 4+len(body)), uint32(len(body)))
	_, err = w.Write(append(frame, body...))
	return err
}

func readFrame(r io.Reader, v any) error {
	var n [4]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return err
	}
	size := binary.BigEndian.Uint32(n[:])
	if size > maxForwardFrame {
		return fmt.Errorf("cluster: forwarded frame of %d bytes is over the %d-byte limit", size, maxForwardFrame)
	}
	body := make([]byte, size)
	if _, err := io.ReadFull(r, body); err != nil {
		return err
	}
	return json.Unmarshal(body, v)
}

// forwardTo sends an encoded command to addr and returns its answer.
func forwardTo(addr string, cmd []byte, timeout time.Duration) (forwardResponse, error) {
	var resp forwardResponse
	conn, err := dialMux(addr, connForward, timeout)
	if err != nil {
		return resp, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(timeout))
	if err := writeFrame(conn, forwardRequest{Command: cmd}); err != nil {
		return resp, err
	}
	if err := readFrame(conn, &resp); err != nil {
		return resp, fmt.Errorf("cluster: reading the controller's answer: %w", err)
	}
	return resp, nil
}

// serveForward answers one forwarded command with apply, which applies it
// if this node is the controller.
func serveForward(conn net.Conn, timeout time.Duration, apply func(cmd []byte, timeout time.Duration) forwardResponse) {
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(timeout))
	var req forwardRequest
	if err := readFrame(conn, &req); err != nil {
		return
	}
	_ = writeFrame(conn, apply(req.Command, timeout))
}
