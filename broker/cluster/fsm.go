package cluster

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"

	"github.com/hashicorp/raft"
	"github.com/twmb/franz-go/pkg/kerr"
)

// fsm is the State as raft's finite state machine. Apply mutates a private
// State; after each batch it publishes a copy that readers may hold without
// locks (Metadata) and wakes everyone waiting for a change.
type fsm struct {
	log *slog.Logger

	mu      sync.Mutex
	state   *State        // raft's goroutine only, under mu
	view    *State        // published copy, never modified
	changed chan struct{} // closed and replaced at each publish
}

// applyResult is what Apply hands back to the raft.Apply caller.
type applyResult struct {
	res *Result
	err error
}

func newFSM(log *slog.Logger) *fsm {
	s := NewState()
	return &fsm{log: log, state: s, view: s.Clone(), changed: make(chan struct{})}
}

// Apply applies one committed entry.
func (f *fsm) Apply(l *raft.Log) any {
	return f.ApplyBatch([]*raft.Log{l})[0]
}

// ApplyBatch applies committed entries and publishes once for the batch.
func (f *fsm) ApplyBatch(logs []*raft.Log) []any {
	out := make([]any, len(logs))
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, l := range logs {
		f.state.Index = l.Index
		if l.Type != raft.LogCommand {
			continue
		}
		out[i] = f.applyOne(l)
	}
	f.publishLocked()
	return out
}

func (f *fsm) applyOne(l *raft.Log) applyResult {
	cmd, err := DecodeCommand(l.Data)
	if err != nil {
		// Every node skips the same entry, so they stay equal; the log
		// line says which one.
		f.log.Error("cluster: skipping an unreadable metadata log entry", "index", l.Index, "err", err)
		return applyResult{err: &Error{Code: kerr.UnknownServerError.Code, Message: err.Error()}}
	}
	res, err := f.state.Apply(cmd)
	if res != nil {
		res.Index = l.Index
	}
	return applyResult{res: res, err: err}
}

func (f *fsm) publishLocked() {
	f.view = f.state.cloneSharing(f.view)
	close(f.changed)
	f.changed = make(chan struct{})
}

// current returns the published State and a channel closed at the next
// publish.
func (f *fsm) current() (*State, <-chan struct{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.view, f.changed
}

// waitIndex waits until the published State includes raft index idx.
func (f *fsm) waitIndex(ctx context.Context, idx uint64) error {
	for {
		s, ch := f.current()
		if s.Index >= idx {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("cluster: waiting for metadata index %d (have %d): %w", idx, s.Index, ctx.Err())
		}
	}
}

// Snapshot captures the state for raft to persist.
func (f *fsm) Snapshot() (raft.FSMSnapshot, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, err := EncodeState(f.state)
	if err != nil {
		return nil, err
	}
	return fsmSnapshot(b), nil
}

// Restore replaces the state with a snapshot's.
func (f *fsm) Restore(rc io.ReadCloser) error {
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		return fmt.Errorf("cluster: reading metadata snapshot: %w", err)
	}
	s, err := DecodeState(b)
	if err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.state = s
	f.publishLocked()
	return nil
}

// fsmSnapshot is an encoded State.
type fsmSnapshot []byte

func (s fsmSnapshot) Persist(sink raft.SnapshotSink) error {
	if _, err := sink.Write(s); err != nil {
		_ = sink.Cancel()
		return fmt.Errorf("cluster: writing metadata snapshot: %w", err)
	}
	return sink.Close()
}

func (fsmSnapshot) Release() {}
