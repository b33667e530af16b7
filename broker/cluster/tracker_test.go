package cluster

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func at(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }

// trackerStep is one event driven into a Tracker and what must follow.
type trackerStep struct {
	do     string // "append", "fetch", "tick", "commit", "fail"
	id     int32  // fetch: follower
	off    int64  // append: new LEO; fetch: fetch offset
	ms     int    // time of the event
	wantHW int64
	// wantChange is the proposed ISR ("" for none).
	wantChange string
}

func runTracker(t *testing.T, tr *Tracker, p *Partition, steps []trackerStep) {
	t.Helper()
	for i, st := range steps {
		var change *ISRChange
		switch st.do {
		case "append":
			tr.Appended(st.off)
		case "fetch":
			out, err := tr.FollowerFetch(st.id, st.off, at(st.ms))
			if err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
			change = out.Expand
		case "tick":
			change = tr.Tick(at(st.ms))
		case "commit": // the controller accepts the pending change
			pend := tr.Pending()
			if pend == nil {
				t.Fatalf("step %d: nothing pending", i)
			}
			p.ISR, p.PartitionEpoch = pend.ISR, p.PartitionEpoch+1
			if _, err := tr.Update(p, at(st.ms)); err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
		case "fail":
			tr.ChangeFailed()
		}
		got := ""
		if change != nil {
			got = fmt.Sprint(change.ISR)
		}
		if got != st.wantChange || tr.HighWatermark() != st.wantHW {
			t.Fatalf("step %d %+v: HW %d change %q, want HW %d change %q", i, st, tr.HighWatermark(), got, st.wantHW, st.wantChange)
		}
	}
}

func newTestTracker(t *testing.T, replicas, isr []int32, leo, hw int64) (*Tracker, *Partition) {
	t.Helper()
	p := &Partition{Replicas: replicas, ISR: isr, Leader: replicas[0], LeaderEpoch: 3, PartitionEpoch: 7}
	tr, err := NewTracker(TopicPartition{"t", 0}, replicas[0], p, leo, hw, at(0), TrackerConfig{ReplicaLagTimeMax: 10 * time.Second, MinInsyncReplicas: 2})
	if err != nil {
		t.Fatal(err)
	}
	return tr, p
}

func TestTrackerHighWatermark(t *testing.T) {
	tests := []struct {
		name  string
		isr   []int32
		steps []trackerStep
	}{
		{"min over the ISR", []int32{1, 2, 3}, []trackerStep{
			{do: "append", off: 10, wantHW: 0},
			{do: "fetch", id: 2, off: 10, ms: 1, wantHW: 0},
			{do: "fetch", id: 3, off: 4, ms: 2, wantHW: 4},
			{do: "fetch", id: 3, off: 10, ms: 3, wantHW: 10},
			{do: "fetch", id: 3, off: 8, ms: 4, wantHW: 10}, // never goes down
		}},
		{"a lone leader commits at once", []int32{1}, []trackerStep{
			{do: "append", off: 5, wantHW: 5},
			{do: "fetch", id: 2, off: 0, ms: 1, wantHW: 5},
		}},
		{"out-of-ISR followers do not hold it back", []int32{1, 2}, []trackerStep{
			{do: "append", off: 10, wantHW: 0},
			{do: "fetch", id: 2, off: 10, ms: 1, wantHW: 10},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, p := newTestTracker(t, []int32{1, 2, 3}, tt.isr, 0, 0)
			runTracker(t, tr, p, tt.steps)
		})
	}
}

func TestTrackerShrinkAndExpand(t *testing.T) {
	tr, p := newTestTracker(t, []int32{1, 2, 3}, []int32{1, 2, 3}, 10, 10)
	runTracker(t, tr, p, []trackerStep{
		{do: "fetch", id: 2, off: 10, ms: 1000, wantHW: 10},
		{do: "fetch", id: 3, off: 10, ms: 1000, wantHW: 10},
		{do: "append", off: 20, wantHW: 10},
		{do: "fetch", id: 2, off: 20, ms: 2000, wantHW: 10},
		// 3 keeps fetching but never catches up: it was last caught up at 1s.
		{do: "fetch", id: 3, off: 12, ms: 5000, wantHW: 12},
		{do: "tick", ms: 11000, wantHW: 12},
		{do: "tick", ms: 11001, wantHW: 12, wantChange: "[1 2]"},
		{do: "tick", ms: 12000, wantHW: 12}, // one change in flight at a time
		{do: "commit", ms: 12000, wantHW: 20},
		// 3 reaches the HW: it may rejoin; until the change is committed
		// the HW counts it (maximal ISR).
		{do: "append", off: 30, wantHW: 30 - 10},
		{do: "fetch", id: 3, off: 20, ms: 13000, wantHW: 20, wantChange: "[1 2 3]"},
		{do: "fetch", id: 2, off: 30, ms: 13001, wantHW: 20},
		{do: "fail", wantHW: 20},
		// With the change dropped, the HW moves past 3, which must catch up.
		{do: "fetch", id: 3, off: 25, ms: 13002, wantHW: 30},
		{do: "fetch", id: 3, off: 30, ms: 13002, wantHW: 30, wantChange: "[1 2 3]"},
		{do: "commit", ms: 13003, wantHW: 30},
	})
	if !slices.Equal(tr.ISR(), []int32{1, 2, 3}) || p.PartitionEpoch != 9 {
		t.Fatalf("ISR %v epoch %d", tr.ISR(), p.PartitionEpoch)
	}
}

func TestTrackerCaughtUpRules(t *testing.T) {
	tr, p := newTestTracker(t, []int32{1, 2}, []int32{1, 2}, 10, 0)
	runTracker(t, tr, p, []trackerStep{
		{do: "fetch", id: 2, off: 10, ms: 1000, wantHW: 10},
		{do: "append", off: 11, wantHW: 10},
		// It fetches at the leader LEO of its previous fetch: caught up as
		// of that fetch (1s), not now.
		{do: "fetch", id: 2, off: 10, ms: 9000, wantHW: 10},
		{do: "tick", ms: 11001, wantHW: 10, wantChange: "[1]"},
		{do: "fail", wantHW: 10},
		// An idle follower at the log end is never dropped.
		{do: "fetch", id: 2, off: 11, ms: 11002, wantHW: 11},
		{do: "tick", ms: 60000, wantHW: 11},
	})
}

func TestTrackerExpandNeedsCurrentEpoch(t *testing.T) {
	// Became leader with LEO 10 and HW 5: a follower at 7 has reached the HW
	// but not this epoch's start, so it does not join yet.
	tr, p := newTestTracker(t, []int32{1, 2}, []int32{1}, 10, 5)
	runTracker(t, tr, p, []trackerStep{
		{do: "fetch", id: 2, off: 7, ms: 1, wantHW: 10},
		{do: "fetch", id: 2, off: 10, ms: 2, wantHW: 10, wantChange: "[1 2]"},
	})
}

func TestTrackerAcksAndMinISR(t *testing.T) {
	tr, p := newTestTracker(t, []int32{1, 2, 3}, []int32{1, 2}, 0, 0)
	if err := tr.CheckProduce(-1); err != nil {
		t.Fatal(err)
	}
	tr.Appended(5)
	if done, err := tr.AcksAllDone(5); done || err != nil {
		t.Fatalf("done before replication: %v %v", done, err)
	}
	if _, err := tr.FollowerFetch(2, 5, at(1)); err != nil {
		t.Fatal(err)
	}
	if done, err := tr.AcksAllDone(5); !done || err != nil {
		t.Fatalf("not done after replication: %v %v", done, err)
	}
	p.ISR, p.PartitionEpoch = []int32{1}, 8
	if _, err := tr.Update(p, at(2)); err != nil {
		t.Fatal(err)
	}
	wantCode(t, tr.CheckProduce(-1), kerr.NotEnoughReplicas)
	if err := tr.CheckProduce(1); err != nil {
		t.Fatalf("acks=1 refused: %v", err)
	}
	tr.Appended(6)
	done, err := tr.AcksAllDone(6)
	if !done {
		t.Fatal("not done")
	}
	wantCode(t, err, kerr.NotEnoughReplicasAfterAppend)
}

func TestTrackerReachableReplicas(t *testing.T) {
	tr, _ := newTestTracker(t, []int32{1, 2, 3}, []int32{1, 2, 3}, 0, 0)
	tr.SetMinInsyncReplicas(2)
	alive := map[int32]bool{1: true, 2: true, 3: true}
	reachable := func(id int32) bool { return alive[id] }
	if err := tr.CheckProduceReachable(-1, reachable); err != nil {
		t.Fatal(err)
	}
	alive[3] = false
	if err := tr.CheckProduceReachable(-1, reachable); err != nil {
		t.Fatalf("one of three gone with min.insync.replicas 2: %v", err)
	}
	alive[2] = false
	wantCode(t, tr.CheckProduceReachable(-1, reachable), kerr.NotEnoughReplicas)
	if err := tr.CheckProduceReachable(1, reachable); err != nil {
		t.Fatalf("acks=1 refused: %v", err)
	}
}

func TestTrackerErrors(t *testing.T) {
	tr, p := newTestTracker(t, []int32{1, 2}, []int32{1, 2}, 10, 0)
	_, err := tr.FollowerFetch(9, 0, at(1))
	wantCode(t, err, kerr.NotLeaderForPartition)
	_, err = tr.FollowerFetch(2, 11, at(1))
	wantCode(t, err, kerr.OffsetOutOfRange)
	_, err = tr.FollowerFetch(2, -1, at(1))
	wantCode(t, err, kerr.OffsetOutOfRange)
	_, err = NewTracker(TopicPartition{"t", 0}, 2, p, 0, 0, at(0), TrackerConfig{})
	wantCode(t, err, kerr.NotLeaderForPartition)
	moved := p.Clone()
	moved.Leader, moved.LeaderEpoch = 2, 4
	_, err = tr.Update(moved, at(1))
	wantCode(t, err, kerr.NotLeaderForPartition)
	// Stale metadata is ignored.
	old := p.Clone()
	old.PartitionEpoch, old.ISR = 1, []int32{1}
	if _, err := tr.Update(old, at(1)); err != nil || len(tr.ISR()) != 2 {
		t.Fatalf("stale update applied: %v %v", err, tr.ISR())
	}
	// A reassignment adds replica 3: it becomes a follower.
	grown := p.Clone()
	grown.Replicas, grown.PartitionEpoch = []int32{1, 2, 3}, 8
	if _, err := tr.Update(grown, at(1)); err != nil {
		t.Fatal(err)
	}
	if _, err := tr.FollowerFetch(3, 0, at(2)); err != nil {
		t.Fatal(err)
	}
	cmd := tr.AlterPartition(&ISRChange{LeaderEpoch: 3, PartitionEpoch: 8, ISR: []int32{1}})
	if cmd.BrokerID != 1 || cmd.Topic != "t" || cmd.PartitionEpoch != 8 {
		t.Fatalf("command %+v", cmd)
	}
}
