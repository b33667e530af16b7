package broker

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/spate-io/spate/broker/cluster"
	blog "github.com/spate-io/spate/broker/log"
	"github.com/twmb/franz-go/pkg/kerr"
)

// partition is one partition this broker holds a replica of: its log and
// its part in replication. As leader it appends produced batches, runs a
// cluster.Tracker (follower log end offsets, high watermark, ISR changes)
// and answers fetches up to the high watermark; as follower its fetcher
// appends what the leader has, after truncating to the leader's history.
//
// Lock order: appendMu, then mu. appendMu serialises every write of the
// log (leader appends, replicated appends, truncation) with role changes,
// so that no write made for one role and epoch lands after a change; mu
// guards the role fields and the tracker for the short reads of the
// fetch paths.
type partition struct {
	tp      cluster.TopicPartition
	topicID cluster.TopicID
	log     *blog.Log
	self    int32
	onHW    func() // the broker's long-poll bell
	// reachable says whether failure detection still sees a broker.
	reachable func(int32) bool

	appendMu sync.Mutex

	mu          sync.Mutex
	role        cluster.Role
	leader      int32
	leaderEpoch int32
	tracker     *cluster.Tracker // while leading
	hw          int64            // while following: the leader's, capped at the log end
	hwBell      bell             // rung when the high watermark moves or the role changes
}

func newPartition(tp cluster.TopicPartition, id cluster.TopicID, l *blog.Log, self int32, onHW func(), reachable func(int32) bool) *partition {
	return &partition{tp: tp, topicID: id, log: l, self: self, onHW: onHW, reachable: reachable, role: cluster.RoleNone, leader: cluster.NoLeader, leaderEpoch: -1}
}

// errNotLeader answers a request for a partition this broker does not lead.
func (p *partition) errNotLeader() error {
	return newTopicError(kerr.NotLeaderForPartition, "not leader for partition %s (leader is %d)", p.tp, p.leader)
}

// checkEpoch compares a request's current leader epoch with the partition's
// (KIP-320); -1 skips the check. Call with mu held.
func (p *partition) checkEpoch(current int32) error {
	switch {
	case current < 0 || current == p.leaderEpoch:
		return nil
	case current < p.leaderEpoch:
		return newTopicError(kerr.FencedLeaderEpoch, "partition %s is in leader epoch %d; the request's epoch %d is old (refresh metadata)", p.tp, p.leaderEpoch, current)
	}
	return newTopicError(kerr.UnknownLeaderEpoch, "partition %s is in leader epoch %d here; the request's epoch %d is newer than this broker knows yet", p.tp, p.leaderEpoch, current)
}

// leading checks, with mu held, that this broker leads in the request's epoch.
func (p *partition) leading(current int32) error {
	if p.role != cluster.RoleLeader {
		return p.errNotLeader()
	}
	return p.checkEpoch(current)
}

// highWatermark is the offset below which records are committed.
func (p *partition) highWatermark() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.hwLocked()
}

func (p *partition) hwLocked() int64 {
	if p.tracker != nil {
		return p.tracker.HighWatermark()
	}
	return min(p.hw, p.log.LogEndOffset())
}

// hwMoved wakes whoever waits on the high watermark and lets retention
// delete below it only.
func (p *partition) hwMoved(hw int64) {
	p.log.SetRetentionLimit(hw)
	p.hwBell.ring()
	p.onHW()
}

// appendAsLeader appends a client's batches with the current leader epoch
// and returns where they went and the epoch, for waitCommitted.
func (p *partition) appendAsLeader(records []byte, acks int16) (blog.AppendResult, int32, error) {
	p.appendMu.Lock()
	defer p.appendMu.Unlock()
	p.mu.Lock()
	err := p.leading(-1)
	if err == nil {
		err = p.tracker.CheckProduceReachable(acks, p.reachable)
	}
	epoch := p.leaderEpoch
	p.mu.Unlock()
	if err != nil {
		return blog.AppendResult{}, 0, err
	}
	res, err := p.log.Append(records, blog.AppendOptions{LeaderEpoch: epoch})
	if err != nil {
		return res, 0, logError(err)
	}
	p.mu.Lock()
	moved := p.tracker.Appended(p.log.LogEndOffset())
	hw := p.tracker.HighWatermark()
	p.mu.Unlock()
	if moved {
		p.hwMoved(hw)
	} else {
		p.onHW() // followers' long polls wait for new data too
	}
	return res, epoch, nil
}

// waitCommitted waits until the records before end are committed (the
// high watermark reached end) in leader epoch epoch: acks=all. It fails
// with NOT_LEADER_OR_FOLLOWER when leadership moves first, and with
// ctx's error when ctx ends.
func (p *partition) waitCommitted(ctx context.Context, epoch int32, end int64) error {
	for {
		p.mu.Lock()
		if p.role != cluster.RoleLeader || p.leaderEpoch != epoch {
			p.mu.Unlock()
			return newTopicError(kerr.NotLeaderForPartition, "partition %s changed leader before the write was replicated; it may or may not be in the log (retry)", p.tp)
		}
		done, err := p.tracker.AcksAllDone(end)
		wake := p.hwBell.wait()
		p.mu.Unlock()
		if done {
			return err
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// followerFetched records a follower's fetch at offset (its log end
// offset) and returns how far it may read (the log end) and the high
// watermark to tell it. An ISR expansion it triggers goes to propose.
func (p *partition) followerFetched(id, epoch int32, offset int64, now time.Time, propose func(*cluster.AlterPartition)) (until, hw int64, err error) {
	p.mu.Lock()
	if err := p.leading(epoch); err != nil {
		p.mu.Unlock()
		return 0, 0, err
	}
	out, err := p.tracker.FollowerFetch(id, offset, now)
	if err != nil {
		p.mu.Unlock()
		return 0, 0, err
	}
	var cmd *cluster.AlterPartition
	if out.Expand != nil {
		cmd = p.tracker.AlterPartition(out.Expand)
	}
	hw = p.tracker.HighWatermark()
	p.mu.Unlock()
	if out.HWChanged {
		p.hwMoved(hw)
	}
	if cmd != nil {
		propose(cmd)
	}
	return p.log.LogEndOffset(), hw, nil
}

// tick lets the tracker drop followers that stopped catching up.
func (p *partition) tick(now time.Time) *cluster.AlterPartition {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tracker == nil {
		return nil
	}
	if change := p.tracker.Tick(now); change != nil {
		return p.tracker.AlterPartition(change)
	}
	return nil
}

// changeFailed clears an ISR change the controller refused, if the tracker
// that proposed it still runs.
func (p *partition) changeFailed(cmd *cluster.AlterPartition) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tracker != nil && p.leaderEpoch == cmd.LeaderEpoch {
		p.tracker.ChangeFailed()
	}
}

// becomeLeader makes this broker the leader of p's epoch, or updates the
// tracker's membership within the epoch. It reports whether leadership is
// new (a new epoch).
func (p *partition) becomeLeader(cp *cluster.Partition, now time.Time, tc cluster.TrackerConfig) (bool, error) {
	p.appendMu.Lock()
	defer p.appendMu.Unlock()
	p.mu.Lock()
	if p.role == cluster.RoleLeader && p.leaderEpoch == cp.LeaderEpoch {
		p.tracker.SetMinInsyncReplicas(tc.MinInsyncReplicas)
		moved, err := p.tracker.Update(cp, now)
		hw := p.tracker.HighWatermark()
		p.mu.Unlock()
		if moved {
			p.hwMoved(hw)
		}
		return false, err
	}
	leo := p.log.LogEndOffset()
	tr, err := cluster.NewTracker(p.tp, p.self, cp, leo, p.hwLocked(), now, tc)
	if err != nil {
		p.mu.Unlock()
		return false, err
	}
	p.role, p.leader, p.leaderEpoch, p.tracker = cluster.RoleLeader, p.self, cp.LeaderEpoch, tr
	hw := tr.HighWatermark()
	p.mu.Unlock()
	p.hwMoved(hw)
	return true, nil
}

// becomeFollower makes this broker a follower of cp's leader and epoch; it
// reports whether that is a change (the fetcher must truncate again).
func (p *partition) becomeFollower(cp *cluster.Partition) bool {
	p.appendMu.Lock()
	defer p.appendMu.Unlock()
	p.mu.Lock()
	if p.role == cluster.RoleFollower && p.leader == cp.Leader && p.leaderEpoch == cp.LeaderEpoch {
		p.mu.Unlock()
		return false
	}
	p.hw = p.hwLocked()
	p.role, p.leader, p.leaderEpoch, p.tracker = cluster.RoleFollower, cp.Leader, cp.LeaderEpoch, nil
	p.mu.Unlock()
	p.hwBell.ring()
	return true
}

// stop ends this broker's part in the partition (before its log is closed).
func (p *partition) stop() {
	p.appendMu.Lock()
	defer p.appendMu.Unlock()
	p.mu.Lock()
	p.role, p.tracker = cluster.RoleNone, nil
	p.mu.Unlock()
	p.hwBell.ring()
}

// errStaleFetch: the role or epoch changed while a follower fetch was out.
var errStaleFetch = errors.New("broker: the partition's leader changed during the fetch")

// following checks, with appendMu held, that the partition still follows
// leader epoch epoch.
func (p *partition) following(epoch int32) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.role == cluster.RoleFollower && p.leaderEpoch == epoch
}

// appendReplicated appends what the follower fetched in epoch epoch and
// takes the leader's high watermark.
func (p *partition) appendReplicated(epoch int32, records []byte, leaderHW int64) error {
	p.appendMu.Lock()
	defer p.appendMu.Unlock()
	if !p.following(epoch) {
		return errStaleFetch
	}
	if len(records) > 0 {
		if _, err := p.log.AppendReplicated(records); err != nil {
			return err
		}
	}
	p.mu.Lock()
	p.hw = min(max(leaderHW, 0), p.log.LogEndOffset())
	p.mu.Unlock()
	return nil
}

// truncateTo cuts the follower's log at offset (KIP-101/279), or starts it
// over at offset when that is below its log start.
func (p *partition) truncateTo(epoch int32, offset int64) error {
	p.appendMu.Lock()
	defer p.appendMu.Unlock()
	if !p.following(epoch) {
		return errStaleFetch
	}
	var err error
	if offset < p.log.LogStartOffset() {
		err = p.log.Reset(offset)
	} else {
		err = p.log.Truncate(offset)
	}
	p.mu.Lock()
	p.hw = min(p.hw, p.log.LogEndOffset())
	p.mu.Unlock()
	return err
}

// resetTo starts the follower's log over at offset: the leader no longer
// has what comes before (its log start moved past the follower's end).
func (p *partition) resetTo(epoch int32, offset int64) error {
	p.appendMu.Lock()
	defer p.appendMu.Unlock()
	if !p.following(epoch) {
		return errStaleFetch
	}
	if err := p.log.Reset(offset); err != nil {
		return err
	}
	p.mu.Lock()
	p.hw = offset
	p.mu.Unlock()
	return nil
}

// isLeader reports whether this broker leads the partition now.
func (p *partition) isLeader() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.role == cluster.RoleLeader
}

// setMinInsyncReplicas applies a changed min.insync.replicas.
func (p *partition) setMinInsyncReplicas(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tracker != nil {
		p.tracker.SetMinInsyncReplicas(n)
	}
}
