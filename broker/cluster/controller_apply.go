package cluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/hashicorp/raft"
	"github.com/twmb/franz-go/pkg/kerr"
)

// Apply applies cmd to the cluster metadata and returns its result: on the
// controller through raft, elsewhere by forwarding to the controller and
// then waiting (within ctx) until this node's Metadata includes the change.
// It retries through controller changes until ctx ends, then returns a
// *NotControllerError. A refusal by the state machine is an *Error.
//
// As with Kafka, a command whose controller failed mid-way may have been
// applied even though Apply retried it: a retried CreateTopic can answer
// TOPIC_ALREADY_EXISTS for the topic it created.
func (c *Controller) Apply(ctx context.Context, cmd Command) (*Result, error) {
	data, err := EncodeCommand(cmd)
	if err != nil {
		return nil, err
	}
	wait := 10 * time.Millisecond
	for {
		select {
		case <-c.done:
			return nil, ErrClosed
		default:
		}
		res, retry, err := c.applyOnce(ctx, data)
		if !retry {
			return res, err
		}
		select {
		case <-ctx.Done():
			return nil, &NotControllerError{ControllerID: c.ControllerID(), Cause: err}
		case <-c.done:
			return nil, ErrClosed
		case <-time.After(wait):
		}
		wait = min(2*wait, 200*time.Millisecond)
	}
}

// applyOnce tries once; retry says whether another try may succeed.
func (c *Controller) applyOnce(ctx context.Context, data []byte) (res *Result, retry bool, err error) {
	timeout := applyTimeout
	if dl, ok := ctx.Deadline(); ok {
		timeout = min(timeout, max(time.Until(dl), time.Millisecond))
	}
	if c.raft.State() == raft.Leader {
		res, err := c.applyRaft(data, timeout)
		return res, isLeadershipError(err), err
	}
	addr := c.controllerAddr()
	if addr == "" {
		return nil, true, errors.New("no controller is elected yet")
	}
	resp, err := forwardTo(addr, data, timeout)
	switch {
	case err != nil:
		return nil, true, err
	case resp.NotController:
		return nil, true, fmt.Errorf("broker at %s is no longer the controller", addr)
	case resp.Err != nil:
		return nil, false, resp.Err
	case resp.Result == nil:
		return nil, false, errorf(kerr.UnknownServerError, "the controller answered without a result")
	}
	// Read your writes: the change is committed; wait for it here too.
	_ = c.fsm.waitIndex(ctx, resp.Result.Index)
	return resp.Result, false, nil
}

// applyRaft proposes an encoded command on this node, which must lead.
func (c *Controller) applyRaft(data []byte, timeout time.Duration) (*Result, error) {
	f := c.raft.Apply(data, timeout)
	if err := f.Error(); err != nil {
		return nil, err
	}
	ar, ok := f.Response().(applyResult)
	if !ok {
		return nil, errorf(kerr.UnknownServerError, "raft returned %T instead of a command result", f.Response())
	}
	return ar.res, ar.err
}

func isLeadershipError(err error) bool {
	return errors.Is(err, raft.ErrNotLeader) || errors.Is(err, raft.ErrLeadershipLost) ||
		errors.Is(err, raft.ErrLeadershipTransferInProgress) || errors.Is(err, raft.ErrEnqueueTimeout)
}

// handleForward serves a command forwarded by another node.
func (c *Controller) handleForward(conn net.Conn) {
	serveForward(conn, applyTimeout, func(data []byte, timeout time.Duration) forwardResponse {
		if c.raft.State() != raft.Leader {
			return forwardResponse{NotController: true, ControllerID: c.ControllerID()}
		}
		if _, err := DecodeCommand(data); err != nil {
			return forwardResponse{Err: &Error{Code: kerr.InvalidRequest.Code, Message: err.Error()}}
		}
		res, err := c.applyRaft(data, timeout)
		switch {
		case isLeadershipError(err):
			return forwardResponse{NotController: true, ControllerID: c.ControllerID()}
		case err != nil:
			return forwardResponse{Err: asError(err)}
		}
		return forwardResponse{Result: res}
	})
}

func asError(err error) *Error {
	var ce *Error
	if errors.As(err, &ce) {
		return ce
	}
	return &Error{Code: ErrorCode(err), Message: "cluster: " + err.Error()}
}

// controllerAddr is the raft address of the current raft leader, as its
// node gossips it now (raft's own record may predate a restart).
func (c *Controller) controllerAddr() string {
	addr, id := c.raft.LeaderWithID()
	if id == "" {
		return ""
	}
	if n, err := strconv.ParseInt(string(id), 10, 32); err == nil {
		if m, ok := c.members.get(int32(n)); ok && m.Broker.RaftAddr != "" {
			return m.Broker.RaftAddr
		}
	}
	return string(addr)
}
