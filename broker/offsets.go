package broker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spate-io/spate/broker/cluster"
	blog "github.com/spate-io/spate/broker/log"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Committed offsets live in the internal topic __consumer_offsets, one
// record per group/topic/partition in Kafka's own format (key version 1,
// value version 3), so they survive restarts; the latest record of a key
// wins and a null value deletes it. A broker that becomes the leader of a
// partition of the topic reads it from its start to rebuild the table of
// the groups it now coordinates.

// offsetsPartition is Kafka's choice of the __consumer_offsets partition of
// a group: abs(Java String.hashCode(group)) % partitions.
func offsetsPartition(group string, partitions int32) int32 {
	var h int32
	for _, r := range group {
		if r >= 0x10000 { // Java hashes UTF-16 code units
			r -= 0x10000
			h = 31*h + int32(0xD800+(r>>10))
			h = 31*h + int32(0xDC00+(r&0x3FF))
			continue
		}
		h = 31*h + int32(r)
	}
	if h == -2147483648 {
		return 0
	}
	if h < 0 {
		h = -h
	}
	return h % partitions
}

func offsetKey(group, topic string, partition int32) []byte {
	k := kmsg.OffsetCommitKey{Version: 1, Group: group, Topic: topic, Partition: partition}
	return k.AppendTo(nil)
}

func offsetValue(o committedOffset) []byte {
	v := kmsg.NewOffsetCommitValue()
	v.Version = 3
	v.Offset, v.LeaderEpoch, v.Metadata, v.CommitTimestamp = o.offset, o.leaderEpoch, o.metadata, o.at
	return v.AppendTo(nil)
}

// ensureOffsetsTopic creates __consumer_offsets if it does not exist yet,
// with offsets.topic.replication.factor replicas: until that many brokers
// are alive it is not created (COORDINATOR_NOT_AVAILABLE), as in Kafka.
func (b *Broker) ensureOffsetsTopic(ctx context.Context) error {
	if _, ok := b.meta().Topic(offsetsTopic); ok {
		return nil
	}
	rf := b.cfg.OffsetsTopicReplicationFactor
	if live := len(b.meta().LiveBrokers()); live < int(rf) {
		return newTopicError(kerr.CoordinatorNotAvailable, "%s needs %d live brokers (offsets.topic.replication.factor) and %d are alive; waiting for more", offsetsTopic, rf, live)
	}
	_, err := b.createTopic(ctx, b.offsetsTopicCommand(), false)
	if err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
		return fmt.Errorf("broker: creating %s: %w", offsetsTopic, err)
	}
	return nil
}

// offsetsTopicCommand creates __consumer_offsets.
func (b *Broker) offsetsTopicCommand() *cluster.CreateTopic {
	return &cluster.CreateTopic{ID: cluster.NewTopicID(), Name: offsetsTopic, Partitions: b.cfg.OffsetsTopicPartitions, ReplicationFactor: b.cfg.OffsetsTopicReplicationFactor,
		Configs: map[string]string{"cleanup.policy": "compact", "segment.bytes": "104857600"}}
}

// offsetsCommitTimeout bounds the wait for a commit's replication
// (offsets.commit.timeout.ms).
const offsetsCommitTimeout = 5 * time.Second

// appendOffsets appends the records of one group's commit (or deletion,
// with nil values) to its __consumer_offsets partition, which this broker
// leads; call with mu held. The returned function waits until the records
// are replicated to every in-sync replica (acks=all, as Kafka commits) and
// returns the error code to answer and the records' first offset.
func (c *coordinator) appendOffsets(part int32, recs []kv) func() (int16, int64) {
	o := c.owned[part]
	now := c.b.cfg.Now()
	res, epoch, err := o.p.appendAsLeader(encodeBatch(now.UnixMilli(), recs), -1)
	if err != nil {
		c.b.log.Warn("broker: offsets not stored", "partition", part, "err", err)
		code := commitErrorCode(err)
		return func() (int16, int64) { return code, -1 }
	}
	return func() (int16, int64) {
		ctx, cancel := context.WithTimeout(c.b.ctx, offsetsCommitTimeout)
		defer cancel()
		if err := o.p.waitCommitted(ctx, epoch, res.LastOffset+1); err != nil {
			return commitErrorCode(err), -1
		}
		return 0, res.BaseOffset
	}
}

// commitErrorCode is what a group request answers when its records could
// not be committed, as Kafka maps them.
func commitErrorCode(err error) int16 {
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return kerr.RequestTimedOut.Code
	case errors.Is(err, kerr.NotLeaderForPartition):
		return kerr.NotCoordinator.Code
	case errors.Is(err, kerr.NotEnoughReplicas), errors.Is(err, kerr.NotEnoughReplicasAfterAppend):
		return kerr.CoordinatorNotAvailable.Code
	}
	return errorCode(err)
}

// load reads the groups' committed offsets from an offsets partition this
// broker now leads: its whole log (as leader its log is the truth), then
// marks the partition loaded unless leadership moved on meanwhile.
func (c *coordinator) load(o *ownership) {
	var recs []offsetRecord
	l := o.p.log
	end := l.LogEndOffset()
	for off := l.LogStartOffset(); off < end; {
		data, err := readBytes(l, off, 1<<20, end)
		if err != nil || len(data) == 0 {
			if err != nil {
				c.b.log.Error("broker: loading group offsets", "partition", o.p.tp.String(), "offset", off, "err", err)
			}
			break
		}
		next := off
		err = decodeRecords(data, func(at int64, k, v []byte) {
			next = max(next, at+1)
			if at >= off {
				recs = append(recs, offsetRecord{at, k, v})
			}
		})
		if err != nil {
			c.b.log.Error("broker: loading group offsets", "partition", o.p.tp.String(), "err", err)
			break
		}
		// Compaction leaves gaps inside batches: go on after whole batches,
		// not after the last record seen.
		for br := blog.NewBatchReader(data); br.Next(); {
			next = max(next, br.Header().NextOffset())
		}
		if next == off {
			break
		}
		off = next
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.owned[o.p.tp.Partition] != o {
		return // no longer the leader
	}
	for _, r := range recs {
		c.applyOffsetRecord(o.p.tp.Partition, r)
	}
	o.loaded = true
	if len(recs) > 0 {
		c.b.log.Info("broker: loaded committed offsets", "partition", o.p.tp.String(), "records", len(recs))
	}
}

type offsetRecord struct {
	at         int64
	key, value []byte
}

func (c *coordinator) applyOffsetRecord(part int32, r offsetRecord) {
	var k kmsg.OffsetCommitKey
	if len(r.key) < 2 || k.ReadFrom(r.key) != nil || k.Version > 1 {
		return // group metadata records (key version 2) and unknown keys
	}
	if r.value == nil {
		if e := c.groups[k.Group]; e != nil {
			delete(e.offsets, topicPartition{k.Topic, k.Partition})
			if len(e.offsets) == 0 && e.g.NumMembers() == 0 {
				delete(c.groups, k.Group)
			}
		}
		return
	}
	var v kmsg.OffsetCommitValue
	if v.ReadFrom(r.value) != nil {
		c.b.log.Warn("broker: skipping an undecodable committed offset", "group", k.Group, "topic", k.Topic, "partition", k.Partition)
		return
	}
	e := c.entry(k.Group, part, true)
	e.offsets[topicPartition{k.Topic, k.Partition}] = committedOffset{offset: v.Offset, leaderEpoch: v.LeaderEpoch, metadata: v.Metadata, at: v.CommitTimestamp, logOffset: r.at}
}

// readBytes copies the batches from offset up to maxBytes (at least one
// whole batch) that start before until.
func readBytes(l *blog.Log, offset int64, maxBytes int, until int64) ([]byte, error) {
	r, err := l.ReadUntil(offset, maxBytes, until)
	if err != nil {
		return nil, logError(err)
	}
	defer r.Close()
	if r.Size == 0 {
		return nil, nil
	}
	b, err := r.Bytes()
	if err != nil {
		return nil, logError(err)
	}
	return b, nil
}
