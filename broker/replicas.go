package broker

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spate-io/spate/broker/cluster"
)

// hwCheckpointInterval is how often the high watermarks are written
// (replica.high.watermark.checkpoint.interval.ms).
const hwCheckpointInterval = 5 * time.Second

// replicaManager makes this broker's partitions follow the metadata (Kafka's
// ReplicaManager): on every published change it opens the logs of new
// replicas, turns partitions into leaders (with a Tracker) or followers
// (handed to the fetcher of their leader), and deletes the logs of
// partitions it no longer holds. It also ticks the trackers (ISR shrink)
// and sends their ISR changes to the controller.
type replicaManager struct {
	b *Broker

	mu    sync.RWMutex
	parts map[cluster.TopicPartition]*partition

	// Owned by the run goroutine.
	fetchers  map[int32]*fetcher
	following map[cluster.TopicPartition]int32 // partition -> the leader it is fetched from
	hwStart   map[cluster.TopicPartition]int64 // the checkpoint read at start-up

	appliedMu   sync.Mutex
	applied     uint64 // metadata index acted on
	appliedBell bell
	ready       chan struct{} // closed once the first metadata is acted on
	done        chan struct{}
}

func newReplicaManager(b *Broker) *replicaManager {
	return &replicaManager{b: b, parts: map[cluster.TopicPartition]*partition{}, fetchers: map[int32]*fetcher{},
		following: map[cluster.TopicPartition]int32{}, ready: make(chan struct{}), done: make(chan struct{})}
}

// get returns the local replica of tp, nil if this broker holds none.
func (rm *replicaManager) get(tp cluster.TopicPartition) *partition {
	rm.mu.RLock()
	defer rm.mu.RUnlock()
	return rm.parts[tp]
}

// run acts on metadata until the broker closes: first when this run of the
// broker is registered (before, the metadata may still show the previous
// run leading partitions it must not lead now), then on every change.
func (rm *replicaManager) run() {
	defer close(rm.done)
	defer rm.stopFetchers()
	b := rm.b
	for {
		ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
		err := b.ctl.WaitReady(ctx)
		cancel()
		if err == nil {
			break
		}
		if b.ctx.Err() != nil {
			return
		}
		b.log.Warn("broker: waiting for the controller to register this broker", "err", err)
	}
	rm.hwStart = rm.loadHWCheckpoint()
	defer rm.saveHWCheckpoint()
	tick := time.NewTicker(max(b.cfg.ReplicaLagTimeMax/2, 10*time.Millisecond))
	defer tick.Stop()
	checkpoint := time.NewTicker(hwCheckpointInterval)
	defer checkpoint.Stop()
	var old *cluster.State
	for {
		s, changed := b.ctl.Watch()
		if s != old {
			loads := rm.apply(old, s)
			if old == nil {
				rm.dropStrays()
				for _, ch := range loads {
					select {
					case <-ch:
					case <-b.ctx.Done():
					}
				}
				close(rm.ready)
			}
			old = s
			rm.setApplied(s.Index)
		}
		select {
		case <-changed:
		case now := <-tick.C:
			rm.tick(now)
		case <-checkpoint.C:
			rm.saveHWCheckpoint()
		case <-b.ctx.Done():
			return
		}
	}
}

// apply acts on what changed for this broker between two metadata
// versions; it returns the group loads it started.
func (rm *replicaManager) apply(old, s *cluster.State) []<-chan struct{} {
	self := rm.b.cfg.NodeID
	var loads []<-chan struct{}
	for _, ch := range cluster.Changes(old, s, self) {
		if ch.Partition == nil || ch.Role == cluster.RoleNone {
			rm.drop(ch.TopicPartition)
			continue
		}
		t, _ := s.Topic(ch.Topic)
		p, err := rm.ensure(ch, t.Configs)
		if err != nil {
			rm.b.log.Error("broker: cannot open a replica's log", "partition", ch.TopicPartition.String(), "err", err)
			continue
		}
		if ch.Role == cluster.RoleLeader {
			if done := rm.lead(p, ch.Partition, t); done != nil {
				loads = append(loads, done)
			}
		} else {
			rm.follow(p, ch.Partition)
		}
	}
	rm.applyConfigs(old, s)
	return loads
}

// lead makes p a leader; for a __consumer_offsets partition it returns the
// channel closed when its groups are loaded.
func (rm *replicaManager) lead(p *partition, cp *cluster.Partition, t *cluster.Topic) <-chan struct{} {
	rm.unfollow(p.tp)
	newly, err := p.becomeLeader(cp, time.Now(), rm.trackerConfig(t))
	if err != nil {
		rm.b.log.Error("broker: cannot lead a partition", "partition", p.tp.String(), "err", err)
		return nil
	}
	if newly {
		rm.b.log.Debug("broker: leading", "partition", p.tp.String(), "epoch", cp.LeaderEpoch, "isr", cp.ISR)
		if p.tp.Topic == offsetsTopic {
			return rm.b.groups.lead(p)
		}
	}
	return nil
}

// follow makes p a follower of cp's leader, fetching from it.
func (rm *replicaManager) follow(p *partition, cp *cluster.Partition) {
	wasLeader := p.isLeader()
	if !p.becomeFollower(cp) {
		return
	}
	if wasLeader && p.tp.Topic == offsetsTopic {
		rm.b.groups.resign(p.tp.Partition)
	}
	rm.unfollow(p.tp)
	if cp.Leader == cluster.NoLeader {
		return
	}
	f := rm.fetchers[cp.Leader]
	if f == nil {
		f = newFetcher(rm.b, cp.Leader)
		rm.fetchers[cp.Leader] = f
	}
	f.add(p, cp.LeaderEpoch)
	rm.following[p.tp] = cp.Leader
}

// unfollow stops fetching tp, and stops a fetcher left with nothing.
func (rm *replicaManager) unfollow(tp cluster.TopicPartition) {
	leader, ok := rm.following[tp]
	if !ok {
		return
	}
	delete(rm.following, tp)
	if f := rm.fetchers[leader]; f != nil && f.remove(tp) {
		delete(rm.fetchers, leader)
		go f.stop()
	}
}

func (rm *replicaManager) stopFetchers() {
	for id, f := range rm.fetchers {
		f.stop()
		delete(rm.fetchers, id)
	}
}

// ensure returns the local replica of ch's partition, opening (creating)
// its log. A folder left by an earlier topic of the same name is deleted
// first: the partition.metadata file in it names another topic id.
func (rm *replicaManager) ensure(ch cluster.PartitionChange, configs map[string]string) (*partition, error) {
	if p := rm.get(ch.TopicPartition); p != nil {
		if p.topicID == ch.TopicID {
			return p, nil
		}
		rm.drop(ch.TopicPartition)
	}
	store := rm.b.store
	l, err := store.open(ch.TopicPartition, configs)
	if err != nil {
		return nil, err
	}
	if id, ok := readPartitionMetadata(l.Dir()); ok && id != ch.TopicID {
		rm.b.log.Warn("broker: deleting the log of an earlier topic of the same name", "partition", ch.TopicPartition.String(), "old_id", id.String(), "id", ch.TopicID.String())
		if err := store.remove(ch.TopicPartition); err != nil {
			return nil, err
		}
		if l, err = store.open(ch.TopicPartition, configs); err != nil {
			return nil, err
		}
	}
	if err := writePartitionMetadata(l.Dir(), ch.TopicID); err != nil {
		return nil, err
	}
	p := newPartition(ch.TopicPartition, ch.TopicID, l, rm.b.cfg.NodeID, rm.b.bell.ring, rm.b.ctl.Reachable)
	p.hw = rm.hwStart[ch.TopicPartition] // capped at the log end when read
	rm.mu.Lock()
	rm.parts[ch.TopicPartition] = p
	rm.mu.Unlock()
	return p, nil
}

// drop stops this broker's replica of tp and deletes its log.
func (rm *replicaManager) drop(tp cluster.TopicPartition) {
	rm.unfollow(tp)
	rm.mu.Lock()
	p := rm.parts[tp]
	delete(rm.parts, tp)
	rm.mu.Unlock()
	if p == nil {
		return
	}
	if p.tp.Topic == offsetsTopic {
		rm.b.groups.resign(tp.Partition)
	}
	p.stop()
	if err := rm.b.store.remove(tp); err != nil {
		rm.b.log.Error("broker: deleting a replica's log", "partition", tp.String(), "err", err)
	}
}

// dropStrays deletes logs on disk of partitions this broker no longer
// holds (deleted or moved while it was down).
func (rm *replicaManager) dropStrays() {
	for _, tp := range rm.b.store.onDisk() {
		if rm.get(tp) == nil {
			rm.b.log.Info("broker: deleting the log of a partition this broker no longer holds", "partition", tp.String())
			if err := rm.b.store.remove(tp); err != nil {
				rm.b.log.Error("broker: deleting a stray log", "partition", tp.String(), "err", err)
			}
		}
	}
}

// applyConfigs applies changed topic configs to the local replicas.
func (rm *replicaManager) applyConfigs(old, s *cluster.State) {
	if old == nil {
		return
	}
	for name, t := range s.Topics {
		ot := old.Topics[name]
		if ot == nil || ot == t || ot.ID != t.ID || maps.Equal(ot.Configs, t.Configs) {
			continue
		}
		tc := rm.trackerConfig(t)
		for i := range t.Partitions {
			p := rm.get(cluster.TopicPartition{Topic: name, Partition: int32(i)})
			if p == nil {
				continue
			}
			if err := rm.b.store.reconfigure(p.log, t.Configs); err != nil {
				rm.b.log.Error("broker: applying topic configs", "partition", p.tp.String(), "err", err)
			}
			p.setMinInsyncReplicas(tc.MinInsyncReplicas)
		}
	}
}

func (rm *replicaManager) trackerConfig(t *cluster.Topic) cluster.TrackerConfig {
	minISR := rm.b.cfg.MinInsyncReplicas
	if v, ok := t.Config(cluster.ConfigMinInsyncReplicas); ok {
		if n, err := strconv.Atoi(v); err == nil {
			minISR = n
		}
	}
	return cluster.TrackerConfig{ReplicaLagTimeMax: rm.b.cfg.ReplicaLagTimeMax, MinInsyncReplicas: minISR}
}

// tick lets every leader drop followers that stopped catching up.
func (rm *replicaManager) tick(now time.Time) {
	rm.mu.RLock()
	parts := make([]*partition, 0, len(rm.parts))
	for _, p := range rm.parts {
		parts = append(parts, p)
	}
	rm.mu.RUnlock()
	for _, p := range parts {
		if cmd := p.tick(now); cmd != nil {
			rm.propose(p, cmd)
		}
	}
}

// propose sends a leader's ISR change to the controller; the new metadata
// reaches the tracker through the metadata loop, a refusal through
// changeFailed.
func (rm *replicaManager) propose(p *partition, cmd *cluster.AlterPartition) {
	rm.b.log.Info("broker: proposing an ISR change", "partition", p.tp.String(), "isr", cmd.ISR, "epoch", cmd.LeaderEpoch)
	go func() {
		ctx, cancel := context.WithTimeout(rm.b.ctx, 10*time.Second)
		defer cancel()
		if _, err := rm.b.ctl.Apply(ctx, cmd); err != nil {
			rm.b.log.Info("broker: ISR change not applied; the leader will propose again", "partition", p.tp.String(), "err", err)
			p.changeFailed(cmd)
		}
	}()
}

func (rm *replicaManager) setApplied(index uint64) {
	rm.appliedMu.Lock()
	rm.applied = max(rm.applied, index)
	rm.appliedMu.Unlock()
	rm.appliedBell.ring()
}

// waitApplied waits until this broker has acted on metadata index (its
// partitions of a just-created topic are open), or ctx ends.
func (rm *replicaManager) waitApplied(ctx context.Context, index uint64) {
	for {
		wake := rm.appliedBell.wait()
		rm.appliedMu.Lock()
		done := rm.applied >= index
		rm.appliedMu.Unlock()
		if done {
			return
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return
		}
	}
}

// partition.metadata holds the topic id of the partition a log folder
// belongs to, in Kafka's format, so that a topic deleted and recreated
// under the same name while this broker was down does not inherit the old
// topic's records.
const partitionMetadataFile = "partition.metadata"

func readPartitionMetadata(dir string) (cluster.TopicID, bool) {
	b, err := os.ReadFile(filepath.Join(dir, partitionMetadataFile))
	if err != nil {
		return cluster.TopicID{}, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "topic_id: "); ok {
			var id cluster.TopicID
			if id.UnmarshalText([]byte(strings.TrimSpace(v))) == nil {
				return id, true
			}
		}
	}
	return cluster.TopicID{}, false
}

func writePartitionMetadata(dir string, id cluster.TopicID) error {
	if got, ok := readPartitionMetadata(dir); ok && got == id {
		return nil
	}
	return writeFileAtomic(filepath.Join(dir, partitionMetadataFile), []byte("version: 0\ntopic_id: "+id.String()+"\n"))
}
