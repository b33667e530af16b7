package broker

import (
	"fmt"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Committed offsets live in the internal topic __consumer_offsets, one
// record per group/topic/partition in Kafka's own format (key version 1,
// value version 3), so they survive restarts; the latest record of a key
// wins and a null value deletes it. At start-up every partition of the
// topic is read from its start to rebuild the in-memory table.

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

// ensureOffsetsTopic creates __consumer_offsets on first start.
func (b *Broker) ensureOffsetsTopic() (*topic, error) {
	if t := b.topics.get(offsetsTopic); t != nil {
		return t, nil
	}
	cfg := map[string]string{"cleanup.policy": "compact", "segment.bytes": "104857600"}
	t, err := b.topics.create(offsetsTopic, b.cfg.OffsetsTopicPartitions, cfg, false)
	if err != nil {
		return nil, fmt.Errorf("broker: creating %s: %w", offsetsTopic, err)
	}
	return t, nil
}

// persistOffsets appends the records of one group's commit (or deletion,
// with nil values) to its __consumer_offsets partition.
func (c *coordinator) persistOffsets(group string, recs []kv) error {
	t := c.b.topics.get(offsetsTopic)
	if t == nil {
		return newTopicError(kerr.CoordinatorNotAvailable, "the internal topic %s is missing", offsetsTopic)
	}
	p := t.parts[offsetsPartition(group, int32(len(t.parts)))]
	now := c.b.cfg.Now()
	batch := encodeBatch(now.UnixMilli(), recs)
	p.appendMu.Lock()
	defer p.appendMu.Unlock()
	if _, err := p.log.Append(batch, now); err != nil {
		return newTopicError(kerr.KafkaStorageError, "writing offsets of group %s: %v", group, err)
	}
	return nil
}

// load rebuilds the committed offsets from __consumer_offsets.
func (c *coordinator) load() error {
	t, err := c.b.ensureOffsetsTopic()
	if err != nil {
		return err
	}
	n := 0
	for _, p := range t.parts {
		end := p.log.EndOffset()
		for off := p.log.StartOffset(); off < end; {
			data, err := p.log.Read(off, 1<<20)
			if err != nil {
				return fmt.Errorf("broker: loading group offsets from %s-%d at offset %d: %w", offsetsTopic, p.index, off, err)
			}
			if len(data) == 0 {
				break
			}
			next := off
			err = decodeRecords(data, func(o int64, k, v []byte) {
				next = max(next, o+1)
				if o >= off {
					c.applyOffsetRecord(k, v)
					n++
				}
			})
			if err != nil {
				return fmt.Errorf("broker: loading group offsets from %s-%d: %w", offsetsTopic, p.index, err)
			}
			if next == off {
				break
			}
			off = next
		}
	}
	if n > 0 {
		c.b.log.Info("broker: loaded committed offsets", "records", n, "groups", len(c.groups))
	}
	return nil
}

func (c *coordinator) applyOffsetRecord(key, value []byte) {
	var k kmsg.OffsetCommitKey
	if len(key) < 2 || k.ReadFrom(key) != nil || k.Version > 1 {
		return // group metadata records (key version 2) and unknown keys
	}
	if value == nil {
		if e := c.groups[k.Group]; e != nil {
			delete(e.offsets, topicPartition{k.Topic, k.Partition})
			if len(e.offsets) == 0 && e.g.NumMembers() == 0 {
				delete(c.groups, k.Group)
			}
		}
		return
	}
	var v kmsg.OffsetCommitValue
	if v.ReadFrom(value) != nil {
		c.b.log.Warn("broker: skipping an undecodable committed offset", "group", k.Group, "topic", k.Topic, "partition", k.Partition)
		return
	}
	e := c.entry(k.Group, true)
	e.offsets[topicPartition{k.Topic, k.Partition}] = committedOffset{offset: v.Offset, leaderEpoch: v.LeaderEpoch, metadata: v.Metadata, at: v.CommitTimestamp}
}
