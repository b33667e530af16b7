package broker

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/spate-io/spate/broker/cluster"
	blog "github.com/spate-io/spate/broker/log"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// fetcher replicates every partition this broker follows from one leader,
// as Kafka's ReplicaFetcherThread does: one connection, one Fetch at a
// time for all of them, each partition first truncated to the leader's
// history (OffsetForLeaderEpoch) whenever its leader epoch changes.
type fetcher struct {
	b      *Broker
	leader int32
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	mu    sync.Mutex
	parts map[cluster.TopicPartition]*fetchState
	// abort cancels the request in flight, so that a partition added to a
	// fetch that is long-polling starts at once rather than after it.
	abort context.CancelFunc
	kick  chan struct{}
}

// fetchState is one partition's replication from the leader.
type fetchState struct {
	p         *partition
	epoch     int32
	truncated bool      // truncated to the leader's history for this epoch
	retryAt   time.Time // after an error, when to try again
}

// Fetcher timings.
const (
	fetchBackoff    = 50 * time.Millisecond
	fetchBackoffMax = time.Second
	fetchIdle       = 100 * time.Millisecond // nothing to fetch: look again after this
)

func newFetcher(b *Broker, leader int32) *fetcher {
	ctx, cancel := context.WithCancel(b.ctx)
	f := &fetcher{b: b, leader: leader, ctx: ctx, cancel: cancel, done: make(chan struct{}), parts: map[cluster.TopicPartition]*fetchState{}, kick: make(chan struct{}, 1)}
	go f.run()
	return f
}

// add starts replicating p in leader epoch epoch, truncating first.
func (f *fetcher) add(p *partition, epoch int32) {
	f.mu.Lock()
	f.parts[p.tp] = &fetchState{p: p, epoch: epoch}
	if f.abort != nil {
		f.abort()
	}
	f.mu.Unlock()
	select {
	case f.kick <- struct{}{}:
	default:
	}
}

// remove stops replicating tp; it reports whether the fetcher has no
// partition left.
func (f *fetcher) remove(tp cluster.TopicPartition) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.parts, tp)
	return len(f.parts) == 0
}

// stop ends the fetcher and waits for it.
func (f *fetcher) stop() {
	f.cancel()
	<-f.done
}

func (f *fetcher) run() {
	defer close(f.done)
	var conn *peerConn
	defer func() {
		if conn != nil {
			conn.close()
		}
	}()
	backoff := fetchBackoff
	for f.ctx.Err() == nil {
		if conn == nil {
			var err error
			if conn, err = f.dial(); err != nil {
				f.b.log.Debug("broker: cannot reach the partition leader to replicate; retrying", "leader", f.leader, "err", err)
				f.sleep(backoff)
				backoff = min(2*backoff, fetchBackoffMax)
				continue
			}
		}
		ctx, abort := context.WithCancel(f.ctx)
		f.mu.Lock()
		f.abort = abort
		f.mu.Unlock()
		err := f.round(ctx, conn)
		aborted := ctx.Err() != nil
		abort()
		if err == nil {
			backoff = fetchBackoff
			continue
		}
		conn.close()
		conn = nil
		if !aborted {
			f.b.log.Debug("broker: replica fetch failed; reconnecting", "leader", f.leader, "err", err)
			f.sleep(backoff)
			backoff = min(2*backoff, fetchBackoffMax)
		}
	}
}

func (f *fetcher) dial() (*peerConn, error) {
	br, ok := f.b.ctl.Metadata().Brokers[f.leader]
	if !ok {
		return nil, errors.New("the leader is not registered")
	}
	ctx, cancel := context.WithTimeout(f.ctx, 5*time.Second)
	defer cancel()
	return dialPeer(ctx, br.KafkaAddr, "spate-replica-"+strconv.Itoa(int(f.b.cfg.NodeID)), f.b.cfg.ReplicaFetchMaxBytes+(64<<20))
}

func (f *fetcher) sleep(d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-f.kick:
	case <-f.ctx.Done():
	}
}

// round truncates the partitions that need it, or else fetches once.
func (f *fetcher) round(ctx context.Context, conn *peerConn) error {
	now := time.Now()
	var truncate, fetch []*fetchState
	f.mu.Lock()
	for _, fs := range f.parts {
		switch {
		case now.Before(fs.retryAt):
		case !fs.truncated:
			truncate = append(truncate, fs)
		default:
			fetch = append(fetch, fs)
		}
	}
	f.mu.Unlock()
	switch {
	case len(truncate) > 0:
		return f.truncate(ctx, conn, truncate)
	case len(fetch) > 0:
		return f.fetch(ctx, conn, fetch)
	}
	f.sleep(fetchIdle)
	return nil
}

// truncate asks the leader where each partition's latest epoch ends and
// truncates to what the logs share (KIP-101/279).
func (f *fetcher) truncate(ctx context.Context, conn *peerConn, parts []*fetchState) error {
	req := kmsg.NewPtrOffsetForLeaderEpochRequest()
	req.Version = 4
	req.ReplicaID = f.b.cfg.NodeID
	topics := map[string]int{}
	asked := map[cluster.TopicPartition]*fetchState{}
	for _, fs := range parts {
		latest, ok := fs.p.log.LatestEpoch()
		if !ok {
			f.truncated(fs, planTruncation(epochAnswer{blog.UndefinedEpoch, blog.UndefinedOffset}, fs.p.log.EndOffsetForEpoch, fs.p.log.LogEndOffset(), fs.p.highWatermark()))
			continue
		}
		i, ok := topics[fs.p.tp.Topic]
		if !ok {
			t := kmsg.NewOffsetForLeaderEpochRequestTopic()
			t.Topic = fs.p.tp.Topic
			req.Topics = append(req.Topics, t)
			i = len(req.Topics) - 1
			topics[t.Topic] = i
		}
		rp := kmsg.NewOffsetForLeaderEpochRequestTopicPartition()
		rp.Partition, rp.CurrentLeaderEpoch, rp.LeaderEpoch = fs.p.tp.Partition, fs.epoch, latest
		req.Topics[i].Partitions = append(req.Topics[i].Partitions, rp)
		asked[fs.p.tp] = fs
	}
	if len(asked) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	r, err := conn.roundTrip(ctx, req)
	if err != nil {
		return err
	}
	resp := r.(*kmsg.OffsetForLeaderEpochResponse)
	for _, rt := range resp.Topics {
		for _, rp := range rt.Partitions {
			fs := asked[cluster.TopicPartition{Topic: rt.Topic, Partition: rp.Partition}]
			if fs == nil {
				continue
			}
			if rp.ErrorCode != 0 {
				f.failed(fs, rp.ErrorCode)
				continue
			}
			plan := planTruncation(epochAnswer{rp.LeaderEpoch, rp.EndOffset}, fs.p.log.EndOffsetForEpoch, fs.p.log.LogEndOffset(), fs.p.highWatermark())
			f.truncated(fs, plan)
		}
	}
	return nil
}

// truncated applies a truncation plan to a partition.
func (f *fetcher) truncated(fs *fetchState, plan truncation) {
	if plan.Offset < fs.p.log.LogEndOffset() {
		f.b.log.Info("broker: truncating a follower to its leader's history", "partition", fs.p.tp.String(), "leader", f.leader, "epoch", fs.epoch, "from", fs.p.log.LogEndOffset(), "to", plan.Offset)
		if err := fs.p.truncateTo(fs.epoch, plan.Offset); err != nil {
			if !errors.Is(err, errStaleFetch) {
				f.b.log.Error("broker: truncating a follower failed", "partition", fs.p.tp.String(), "err", err)
				f.retryLater(fs, fetchBackoffMax)
			}
			return
		}
	}
	f.mu.Lock()
	fs.truncated = plan.Done
	f.mu.Unlock()
}

// fetch sends one follower Fetch for parts and appends what comes back.
func (f *fetcher) fetch(ctx context.Context, conn *peerConn, parts []*fetchState) error {
	cfg := f.b.cfg
	req := kmsg.NewPtrFetchRequest()
	req.Version = 12
	req.ReplicaID = cfg.NodeID
	req.MaxWaitMillis = int32(cfg.ReplicaFetchWaitMax.Milliseconds())
	req.MinBytes, req.MaxBytes = 1, cfg.ReplicaFetchMaxBytes
	req.SessionEpoch = -1
	index := map[cluster.TopicPartition]*fetchState{}
	topics := map[string]int{}
	for _, fs := range parts {
		i, ok := topics[fs.p.tp.Topic]
		if !ok {
			t := kmsg.NewFetchRequestTopic()
			t.Topic = fs.p.tp.Topic
			req.Topics = append(req.Topics, t)
			i = len(req.Topics) - 1
			topics[t.Topic] = i
		}
		rp := kmsg.NewFetchRequestTopicPartition()
		rp.Partition, rp.CurrentLeaderEpoch = fs.p.tp.Partition, fs.epoch
		rp.FetchOffset, rp.LogStartOffset = fs.p.log.LogEndOffset(), fs.p.log.LogStartOffset()
		rp.PartitionMaxBytes = cfg.ReplicaFetchPartitionMaxBytes
		req.Topics[i].Partitions = append(req.Topics[i].Partitions, rp)
		index[fs.p.tp] = fs
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.ReplicaFetchWaitMax+10*time.Second)
	defer cancel()
	r, err := conn.roundTrip(ctx, req)
	if err != nil {
		return err
	}
	resp := r.(*kmsg.FetchResponse)
	if resp.ErrorCode != 0 {
		return kerr.ErrorForCode(resp.ErrorCode)
	}
	for _, rt := range resp.Topics {
		for _, rp := range rt.Partitions {
			if fs := index[cluster.TopicPartition{Topic: rt.Topic, Partition: rp.Partition}]; fs != nil {
				f.fetched(fs, &rp)
			}
		}
	}
	return nil
}

// fetched applies one partition of a follower fetch response.
func (f *fetcher) fetched(fs *fetchState, rp *kmsg.FetchResponseTopicPartition) {
	switch rp.ErrorCode {
	case 0:
	case kerr.OffsetOutOfRange.Code:
		f.outOfRange(fs, rp.LogStartOffset)
		return
	default:
		f.failed(fs, rp.ErrorCode)
		return
	}
	err := fs.p.appendReplicated(fs.epoch, wholeBatches(rp.RecordBatches), rp.HighWatermark)
	switch {
	case err == nil, errors.Is(err, errStaleFetch):
	case errors.Is(err, blog.ErrNonMonotonicOffset):
		f.mu.Lock()
		fs.truncated = false
		f.mu.Unlock()
	default:
		f.b.log.Error("broker: appending replicated records failed", "partition", fs.p.tp.String(), "leader", f.leader, "err", err)
		f.retryLater(fs, fetchBackoffMax)
	}
}

// outOfRange handles a fetch offset the leader does not have: below its
// log start the follower starts over there; above its end the logs
// diverged and the follower truncates again.
func (f *fetcher) outOfRange(fs *fetchState, leaderStart int64) {
	if leaderStart > fs.p.log.LogEndOffset() {
		f.b.log.Info("broker: follower is behind the leader's log start; starting over there", "partition", fs.p.tp.String(), "offset", leaderStart)
		if err := fs.p.resetTo(fs.epoch, leaderStart); err != nil && !errors.Is(err, errStaleFetch) {
			f.b.log.Error("broker: resetting a follower's log failed", "partition", fs.p.tp.String(), "err", err)
			f.retryLater(fs, fetchBackoffMax)
		}
		return
	}
	f.mu.Lock()
	fs.truncated = false
	f.mu.Unlock()
}

// failed backs a partition off after an error code from the leader: most
// mean the leader's metadata or ours is a moment behind.
func (f *fetcher) failed(fs *fetchState, code int16) {
	wait := fetchBackoff
	switch code {
	case kerr.NotLeaderForPartition.Code, kerr.FencedLeaderEpoch.Code, kerr.UnknownLeaderEpoch.Code, kerr.UnknownTopicOrPartition.Code:
	default:
		wait = 10 * fetchBackoff
		f.b.log.Warn("broker: the leader refused a replica fetch", "partition", fs.p.tp.String(), "leader", f.leader, "err", kerr.ErrorForCode(code))
	}
	f.retryLater(fs, wait)
}

func (f *fetcher) retryLater(fs *fetchState, d time.Duration) {
	f.mu.Lock()
	fs.retryAt = time.Now().Add(d)
	f.mu.Unlock()
}

// wholeBatches drops a partial batch at the end of fetched bytes (a
// leader may cut a response inside a batch; the rest comes next time).
func wholeBatches(b []byte) []byte {
	r := blog.NewBatchReader(b)
	end := 0
	for r.Next() {
		end = r.Pos() + r.Header().Size()
	}
	return b[:end]
}
