package cluster

import (
	"slices"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
)

// DefaultReplicaLagTimeMax is Kafka's replica.lag.time.max.ms.
const DefaultReplicaLagTimeMax = 30 * time.Second

// TrackerConfig tunes a Tracker.
type TrackerConfig struct {
	// ReplicaLagTimeMax is how long an in-sync follower may go without
	// being caught up before the leader proposes to drop it from the ISR
	// (replica.lag.time.max.ms). Default 30s.
	ReplicaLagTimeMax time.Duration
	// MinInsyncReplicas is the topic's min.insync.replicas: acks=all
	// writes are refused while the ISR is smaller. Default 1.
	MinInsyncReplicas int
}

// ISRChange is an ISR change a Tracker proposes; the broker sends it as an
// AlterPartition command (see Tracker.AlterPartition) and reports the
// outcome with Update (the new metadata) or ChangeFailed.
type ISRChange struct {
	LeaderEpoch    int32
	PartitionEpoch int32
	ISR            []int32
}

// Tracker is the state a partition leader keeps about its followers, as a
// pure state machine: the broker calls it from the produce path
// (Appended, CheckProduce, AcksAllDone), the follower-fetch path
// (FollowerFetch), a periodic tick (Tick) and the metadata listener
// (Update), passing the time in. It does no IO and is not safe for
// concurrent use: the broker holds the partition's lock around it.
//
// Rules (Kafka's Partition): the high watermark is the smallest log end
// offset over the ISR, counting a member an in-flight change is adding, and
// never goes down. A follower is caught up when it fetches at the leader's
// log end offset; an ISR follower not caught up for ReplicaLagTimeMax is
// dropped; a follower joins the ISR when its log end offset reaches the
// high watermark and the start of this leader epoch. One ISR change is in
// flight at a time.
type Tracker struct {
	tp             TopicPartition
	leader         int32
	leaderEpoch    int32
	partitionEpoch int32
	replicas       []int32
	isr            []int32
	pending        *ISRChange
	leo, hw        int64
	epochStart     int64
	followers      map[int32]*followerState
	cfg            TrackerConfig
}

type followerState struct {
	leo                int64 // -1 until the first fetch of this epoch
	lastFetch          time.Time
	lastFetchLeaderLEO int64
	lastCaughtUp       time.Time
}

// NewTracker starts tracking partition tp, which p says broker leader
// leads, with the leader's log end offset leo and its last known high
// watermark hw.
func NewTracker(tp TopicPartition, leader int32, p *Partition, leo, hw int64, now time.Time, cfg TrackerConfig) (*Tracker, error) {
	if p.Leader != leader {
		return nil, errorf(kerr.NotLeaderForPartition, "broker %d is not the leader of %s (leader is %d)", leader, tp, p.Leader)
	}
	if cfg.ReplicaLagTimeMax <= 0 {
		cfg.ReplicaLagTimeMax = DefaultReplicaLagTimeMax
	}
	if cfg.MinInsyncReplicas <= 0 {
		cfg.MinInsyncReplicas = 1
	}
	t := &Tracker{tp: tp, leader: leader, leaderEpoch: p.LeaderEpoch, leo: leo, hw: min(hw, leo), epochStart: leo,
		followers: map[int32]*followerState{}, cfg: cfg}
	t.setMembership(p, now)
	t.advanceHW()
	return t, nil
}

// setMembership takes replicas, ISR and partition epoch from p. Followers
// new to the tracker count as caught up now, so a new leader does not drop
// its ISR before the followers had a chance to fetch.
func (t *Tracker) setMembership(p *Partition, now time.Time) {
	t.replicas, t.isr, t.partitionEpoch = slices.Clone(p.Replicas), slices.Clone(p.ISR), p.PartitionEpoch
	for id := range t.followers {
		if !slices.Contains(t.replicas, id) {
			delete(t.followers, id)
		}
	}
	for _, id := range t.replicas {
		if id != t.leader && t.followers[id] == nil {
			t.followers[id] = &followerState{leo: -1, lastFetchLeaderLEO: -1, lastCaughtUp: now}
		}
	}
}

// SetMinInsyncReplicas applies a changed min.insync.replicas (values
// below 1 mean 1).
func (t *Tracker) SetMinInsyncReplicas(n int) { t.cfg.MinInsyncReplicas = max(n, 1) }

// HighWatermark is the offset below which records are committed.
func (t *Tracker) HighWatermark() int64 { return t.hw }

// LogEndOffset is the leader's log end offset as last reported.
func (t *Tracker) LogEndOffset() int64 { return t.leo }

// ISR is the committed ISR (do not modify).
func (t *Tracker) ISR() []int32 { return t.isr }

// LeaderEpoch is the epoch this tracker leads in.
func (t *Tracker) LeaderEpoch() int32 { return t.leaderEpoch }

// Pending is the ISR change in flight, nil if none.
func (t *Tracker) Pending() *ISRChange { return t.pending }

// FollowerLEO is a follower's last reported log end offset (-1 if unknown).
func (t *Tracker) FollowerLEO(id int32) int64 {
	if f := t.followers[id]; f != nil {
		return f.leo
	}
	return -1
}

// Appended records the leader's new log end offset after an append; it
// reports whether the high watermark moved (it does at once when the
// leader is alone in the ISR).
func (t *Tracker) Appended(leo int64) bool {
	t.leo = max(t.leo, leo)
	return t.advanceHW()
}

// FetchOutcome is what a follower's fetch changed.
type FetchOutcome struct {
	// HWChanged means waiting acks=all produces and fetches may complete.
	HWChanged bool
	// Expand, if set, is an ISR change adding the follower, to send.
	Expand *ISRChange
}

// FollowerFetch records that follower id fetched at fetchOffset (its log
// end offset) at now.
func (t *Tracker) FollowerFetch(id int32, fetchOffset int64, now time.Time) (FetchOutcome, error) {
	f := t.followers[id]
	switch {
	case f == nil:
		return FetchOutcome{}, errorf(kerr.NotLeaderForPartition, "broker %d is not a follower of %s (replicas %v)", id, t.tp, t.replicas)
	case fetchOffset < 0 || fetchOffset > t.leo:
		return FetchOutcome{}, errorf(kerr.OffsetOutOfRange, "follower %d fetches %s at offset %d, outside the leader's log [0, %d]; it must truncate to the leader epoch's end first", id, t.tp, fetchOffset, t.leo)
	}
	if fetchOffset >= t.leo {
		f.lastCaughtUp = latest(f.lastCaughtUp, now)
	} else if f.lastFetchLeaderLEO >= 0 && fetchOffset >= f.lastFetchLeaderLEO {
		// It has what the leader had at its previous fetch: it was caught
		// up then.
		f.lastCaughtUp = latest(f.lastCaughtUp, f.lastFetch)
	}
	f.leo, f.lastFetch, f.lastFetchLeaderLEO = fetchOffset, now, t.leo
	out := FetchOutcome{HWChanged: t.advanceHW()}
	if t.pending == nil && !slices.Contains(t.isr, id) && f.leo >= t.hw && f.leo >= t.epochStart {
		out.Expand = t.propose(append(slices.Clone(t.isr), id))
	}
	return out, nil
}

// Tick proposes dropping the ISR followers that have not been caught up
// for ReplicaLagTimeMax; nil when there is nothing to drop or a change is
// in flight.
func (t *Tracker) Tick(now time.Time) *ISRChange {
	if t.pending != nil {
		return nil
	}
	keep := make([]int32, 0, len(t.isr))
	for _, id := range t.isr {
		f := t.followers[id]
		if id == t.leader || f == nil || f.leo == t.leo || now.Sub(f.lastCaughtUp) <= t.cfg.ReplicaLagTimeMax {
			keep = append(keep, id)
		}
	}
	if len(keep) == len(t.isr) {
		return nil
	}
	return t.propose(keep)
}

func (t *Tracker) propose(isr []int32) *ISRChange {
	t.pending = &ISRChange{LeaderEpoch: t.leaderEpoch, PartitionEpoch: t.partitionEpoch, ISR: isr}
	return t.pending
}

// AlterPartition is the command that carries change to the controller.
func (t *Tracker) AlterPartition(change *ISRChange) *AlterPartition {
	return &AlterPartition{Topic: t.tp.Topic, Partition: t.tp.Partition, BrokerID: t.leader,
		LeaderEpoch: change.LeaderEpoch, PartitionEpoch: change.PartitionEpoch, ISR: slices.Clone(change.ISR)}
}

// ChangeFailed clears the change in flight after the controller refused it
// or could not be reached; the next Tick or fetch proposes again.
func (t *Tracker) ChangeFailed() { t.pending = nil }

// Update takes new metadata for the partition (after an ISR change or any
// controller decision). If p makes this broker no longer the leader of this
// epoch it returns NOT_LEADER_OR_FOLLOWER: the broker must drop the tracker
// and act on the new leadership. It reports whether the high watermark
// moved.
func (t *Tracker) Update(p *Partition, now time.Time) (bool, error) {
	if p.Leader != t.leader || p.LeaderEpoch != t.leaderEpoch {
		return false, errorf(kerr.NotLeaderForPartition, "%s is now led by %d in epoch %d, not by %d in epoch %d", t.tp, p.Leader, p.LeaderEpoch, t.leader, t.leaderEpoch)
	}
	if p.PartitionEpoch < t.partitionEpoch {
		return false, nil // older metadata arriving late
	}
	if t.pending != nil && p.PartitionEpoch > t.pending.PartitionEpoch {
		t.pending = nil // the change was applied, or overtaken by another
	}
	t.setMembership(p, now)
	return t.advanceHW(), nil
}

// CheckProduce refuses an acks=all write while the ISR is smaller than
// min.insync.replicas (NOT_ENOUGH_REPLICAS); other acks always pass.
func (t *Tracker) CheckProduce(acks int16) error {
	if acks == -1 && len(t.isr) < t.cfg.MinInsyncReplicas {
		return errorf(kerr.NotEnoughReplicas, "%s has %d in-sync replicas (%s), fewer than min.insync.replicas %d", t.tp, len(t.isr), joinIDs(t.isr), t.cfg.MinInsyncReplicas)
	}
	return nil
}

// CheckProduceReachable is CheckProduce counting only the in-sync replicas
// reachable says are alive: a leader whose followers died refuses acks=all
// writes with NOT_ENOUGH_REPLICAS at once instead of letting them time
// out, also when the ISR cannot shrink (no controller quorum).
func (t *Tracker) CheckProduceReachable(acks int16, reachable func(int32) bool) error {
	if err := t.CheckProduce(acks); err != nil || acks != -1 {
		return err
	}
	var live, gone []int32
	for _, id := range t.isr {
		if reachable(id) {
			live = append(live, id)
		} else {
			gone = append(gone, id)
		}
	}
	if len(live) < t.cfg.MinInsyncReplicas {
		return errorf(kerr.NotEnoughReplicas, "%s has %d reachable in-sync replicas (%s; %s unreachable), fewer than min.insync.replicas %d", t.tp, len(live), joinIDs(live), joinIDs(gone), t.cfg.MinInsyncReplicas)
	}
	return nil
}

// AcksAllDone reports whether an acks=all write ending before endOffset
// is committed. If it is but the ISR shrank below min.insync.replicas
// meanwhile, it reports NOT_ENOUGH_REPLICAS_AFTER_APPEND (the records
// are in the log; the client may retry and duplicate, as with Kafka).
func (t *Tracker) AcksAllDone(endOffset int64) (bool, error) {
	if t.hw < endOffset {
		return false, nil
	}
	if len(t.isr) < t.cfg.MinInsyncReplicas {
		return true, errorf(kerr.NotEnoughReplicasAfterAppend, "%s was written but has only %d in-sync replicas, fewer than min.insync.replicas %d", t.tp, len(t.isr), t.cfg.MinInsyncReplicas)
	}
	return true, nil
}

// advanceHW raises the high watermark to the smallest log end offset over
// the maximal ISR (the committed ISR plus any member the change in flight
// adds); it never lowers it.
func (t *Tracker) advanceHW() bool {
	hw := t.leo
	for _, id := range t.maximalISR() {
		if f := t.followers[id]; id != t.leader && f != nil {
			hw = min(hw, f.leo)
		}
	}
	if hw <= t.hw {
		return false
	}
	t.hw = hw
	return true
}

func (t *Tracker) maximalISR() []int32 {
	if t.pending == nil {
		return t.isr
	}
	out := slices.Clone(t.isr)
	for _, id := range t.pending.ISR {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
