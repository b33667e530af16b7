package cluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/spate-io/spate/internal/fsutil"
)

// Local is the control plane of a broker that runs alone: the same State
// and Commands as a cluster, applied in-process and written to one file
// after every change, without raft or gossip. It lets a single broker
// start in milliseconds while running exactly the code a cluster member
// runs (its partitions have one replica; it is their leader and the
// controller).
//
// Every Open is a new incarnation of the broker: as in a cluster, it is
// fenced and unfenced, so every leader epoch grows.
type Local struct {
	nodeID int32
	path   string

	mu      sync.Mutex
	state   *State        // under mu
	view    *State        // published copy, never modified
	changed chan struct{} // closed and replaced at each publish
	closed  bool
}

// LocalConfig configures OpenLocal.
type LocalConfig struct {
	// NodeID is the broker id. 0 is a valid id.
	NodeID int32
	// DataDir is the folder for the metadata file (metadata.json).
	// Required.
	DataDir string
	// KafkaAddr is the host:port clients reach the broker at. Required.
	KafkaAddr string
	// Rack is the broker's rack. Default "".
	Rack string
}

// localFile is the file Local keeps the State in, written atomically
// through temp files named localTempPattern.
const (
	localFile        = "metadata.json"
	localTempPattern = "." + localFile + ".*.tmp"
)

// OpenLocal loads the metadata from cfg.DataDir (an empty State the first
// time), registers this broker and returns the control plane. A folder
// whose metadata names other brokers but not this one is refused: it
// belongs to another broker id.
func OpenLocal(cfg LocalConfig) (*Local, error) {
	if cfg.DataDir == "" {
		return nil, errors.New("cluster: local metadata needs a DataDir")
	}
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return nil, fmt.Errorf("cluster: creating metadata folder: %w", err)
	}
	if err := fsutil.RemoveTemps(cfg.DataDir, localTempPattern); err != nil {
		return nil, fmt.Errorf("cluster: removing what an interrupted metadata write left: %w", err)
	}
	l := &Local{nodeID: cfg.NodeID, path: filepath.Join(cfg.DataDir, localFile), changed: make(chan struct{})}
	s, err := l.load()
	if err != nil {
		return nil, err
	}
	if _, ok := s.Brokers[cfg.NodeID]; !ok && len(s.Brokers) > 0 {
		return nil, fmt.Errorf("cluster: the metadata in %s belongs to broker %s, not %d; start with that --id or another data folder", l.path, joinIDs(s.BrokerIDs()), cfg.NodeID)
	}
	l.state, l.view = s, s.Clone()
	b := Broker{ID: cfg.NodeID, KafkaAddr: cfg.KafkaAddr, Rack: cfg.Rack, ControllerEligible: true, Incarnation: newIncarnation()}
	cmds := []Command{&RegisterBroker{Broker: b}}
	if _, ok := s.Brokers[cfg.NodeID]; ok {
		cmds = []Command{&FenceBroker{ID: cfg.NodeID}, &RegisterBroker{Broker: b}, &UnfenceBroker{ID: cfg.NodeID}}
	}
	for _, cmd := range cmds {
		if _, err := l.Apply(context.Background(), cmd); err != nil {
			return nil, err
		}
	}
	return l, nil
}

func (l *Local) load() (*State, error) {
	b, err := os.ReadFile(l.path)
	if errors.Is(err, os.ErrNotExist) {
		return NewState(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("cluster: reading metadata: %w", err)
	}
	s, err := DecodeState(b)
	if err != nil {
		return nil, fmt.Errorf("cluster: %s: %w; restore it from a backup or move it away to start empty", l.path, err)
	}
	return s, nil
}

// Apply applies cmd, saves the new State and publishes it. A refused
// command changes nothing and returns an *Error; if the State cannot be
// saved the command is undone and the error returned.
func (l *Local) Apply(_ context.Context, cmd Command) (*Result, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, ErrClosed
	}
	next := l.state.Clone()
	res, err := next.Apply(cmd)
	if err != nil {
		return nil, err
	}
	next.Index++
	if res != nil {
		res.Index = next.Index
	}
	data, err := EncodeState(next)
	if err == nil {
		err = fsutil.WriteAtomic(l.path, localTempPattern, 0o644, data)
	}
	if err != nil {
		return nil, errorf(kerr.KafkaStorageError, "saving metadata: %v", err)
	}
	l.state = next
	l.view = next.cloneSharing(l.view)
	close(l.changed)
	l.changed = make(chan struct{})
	return res, nil
}

// Metadata returns the latest State; it must not be modified.
func (l *Local) Metadata() *State {
	s, _ := l.Watch()
	return s
}

// Watch returns the latest State and a channel closed at the next change.
func (l *Local) Watch() (*State, <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.view, l.changed
}

// NodeID is the broker's id.
func (l *Local) NodeID() int32 { return l.nodeID }

// ControllerID is the broker's own id: it is its own controller.
func (l *Local) ControllerID() int32 { return l.nodeID }

// Reachable is true for this broker, the only one there is.
func (l *Local) Reachable(id int32) bool { return id == l.nodeID }

// WaitReady returns at once: a lone broker is ready when it is open.
func (l *Local) WaitReady(context.Context) error { return nil }

// Close stops accepting commands. It is safe to call twice.
func (l *Local) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	return nil
}
