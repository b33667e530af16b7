package cluster

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/spate-io/spate/internal/testutil"
)

// TestSingleNodeSnapshotRestart runs the embedded default (one broker, its
// own controller), snapshots the metadata, and restarts from the data
// folder: the snapshot plus the log after it rebuild the same metadata.
func TestSingleNodeSnapshotRestart(t *testing.T) {
	n := &testNode{id: 1, dir: filepath.Join(t.TempDir(), "1")}
	startNode(t, n)
	t.Cleanup(func() {
		if n.c != nil {
			_ = n.c.Close()
		}
	})
	waitReady(t, n)
	if !n.c.IsController() || n.c.ControllerID() != 1 {
		t.Fatalf("a lone broker is not its own controller (controller %d)", n.c.ControllerID())
	}
	ctx := ctxFor(t, 10*time.Second)
	if _, err := n.c.CreateTopic(ctx, "a", 4, 1, nil); err != nil {
		t.Fatal(err)
	}
	if err := n.c.raft.Snapshot().Error(); err != nil {
		t.Fatal(err)
	}
	if _, err := n.c.Apply(ctx, &AlterConfigs{Topic: "a", Set: map[string]string{"retention.ms": "1"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := n.c.CreateTopic(ctx, "b", 2, 1, nil); err != nil {
		t.Fatal(err)
	}
	want, _ := EncodeState(n.c.Metadata())
	if err := n.c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := n.c.Apply(ctx, &DeleteTopic{Name: "a"}); !errors.Is(err, ErrClosed) {
		t.Fatalf("apply after close: %v", err)
	}
	startNode(t, n)
	waitReady(t, n)
	testutil.WaitFor(t, 5*time.Second, 10*time.Millisecond, func() error {
		s := n.c.Metadata()
		if _, ok := s.Topic("b"); !ok {
			return errors.New("topic b not back yet")
		}
		w, _ := DecodeState(want)
		// The new run of the broker was fenced and unfenced: every leader
		// epoch grew by exactly two.
		for name, topic := range s.Topics {
			for i, p := range topic.Partitions {
				if was := w.Topics[name].Partitions[i].LeaderEpoch; p.LeaderEpoch != was+2 {
					return fmt.Errorf("%s-%d leader epoch %d, want %d", name, i, p.LeaderEpoch, was+2)
				}
			}
		}
		got, _ := EncodeState(stripVolatile(s))
		wb, _ := EncodeState(stripVolatile(w))
		if !bytes.Equal(got, wb) {
			return errors.New("metadata differs after restart:\n" + string(got) + "\n" + string(wb))
		}
		return nil
	})
}

// stripVolatile drops what legitimately changes across a restart: the raft
// index, the broker's ports and incarnation, and the epochs.
func stripVolatile(s *State) *State {
	c := s.Clone()
	c.Index = 0
	for _, b := range c.Brokers {
		b.GossipAddr, b.RaftAddr, b.Incarnation = "", "", 0
	}
	for _, t := range c.Topics {
		for _, p := range t.Partitions {
			p.LeaderEpoch, p.PartitionEpoch = 0, 0
		}
	}
	return c
}

// TestNoControllerAnswersNotController: a broker that cannot reach any
// controller refuses with NOT_CONTROLLER when the caller's deadline ends.
func TestNoControllerAnswersNotController(t *testing.T) {
	n := &testNode{id: 7, dir: t.TempDir(), nonVoter: true}
	startNode(t, n, "127.0.0.1:1") // nothing listens there
	defer n.c.Close()
	_, err := n.c.Apply(ctxFor(t, 300*time.Millisecond), &DeleteTopic{Name: "a"})
	var nc *NotControllerError
	if !errors.As(err, &nc) || nc.ControllerID != -1 || !errors.Is(err, kerr.NotController) || ErrorCode(err) != kerr.NotController.Code {
		t.Fatalf("got %v", err)
	}
	if err := n.c.WaitReady(ctxFor(t, 100*time.Millisecond)); err == nil {
		t.Fatal("ready without a controller")
	}
	if n.c.Metadata() == nil || len(n.c.Metadata().Topics) != 0 {
		t.Fatal("metadata of an unjoined broker is not empty")
	}
}
