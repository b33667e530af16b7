package broker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spate-io/spate/broker/cluster"
	"github.com/twmb/franz-go/pkg/kerr"
)

// Topics live in the cluster metadata (cluster.State): handlers read it
// with b.meta() and change it with commands through the control plane;
// the replica manager opens and deletes the logs that follow.

// topicError is a Kafka error code with the sentence that explains it.
type topicError struct {
	code *kerr.Error
	msg  string
}

func (e *topicError) Error() string { return e.msg }

func newTopicError(code *kerr.Error, format string, args ...any) *topicError {
	return &topicError{code: code, msg: fmt.Sprintf("broker: "+format, args...)}
}

// meta is the latest metadata this broker has; never modify it.
func (b *Broker) meta() *cluster.State { return b.ctl.Metadata() }

// adminTimeout bounds a metadata change made for a client request.
const adminTimeout = 15 * time.Second

// apply runs a metadata command for a request and waits (within ctx)
// until this broker acted on it, so that a topic created here can be used
// here at once.
func (b *Broker) apply(ctx context.Context, cmd cluster.Command) (*cluster.Result, error) {
	ctx, cancel := context.WithTimeout(ctx, adminTimeout)
	defer cancel()
	res, err := b.ctl.Apply(ctx, cmd)
	if err != nil {
		return nil, err
	}
	b.replicas.waitApplied(ctx, res.Index)
	return res, nil
}

// createTopic creates a topic (or, with validateOnly, checks that it
// could be created by applying the command to a copy of the metadata).
func (b *Broker) createTopic(ctx context.Context, cmd *cluster.CreateTopic, validateOnly bool) (*cluster.Topic, error) {
	if err := validTopicName(cmd.Name); err != nil {
		return nil, newTopicError(kerr.InvalidTopicException, "%v", err)
	}
	for k, v := range cmd.Configs {
		if err := validateTopicConfig(k, &v); err != nil {
			return nil, newTopicError(kerr.InvalidConfig, "topic %s: %v", cmd.Name, err)
		}
	}
	cmd.ID = cluster.NewTopicID()
	if validateOnly {
		res, err := b.meta().Clone().Apply(cmd)
		if err != nil {
			return nil, err
		}
		return res.Topic, nil
	}
	res, err := b.apply(ctx, cmd)
	if err != nil {
		return nil, err
	}
	b.log.Info("broker: created topic", "topic", cmd.Name, "partitions", len(res.Topic.Partitions))
	return res.Topic, nil
}

// topicOrCreate returns the topic, creating it with the default partition
// count and replication factor when autoCreate allows.
func (b *Broker) topicOrCreate(ctx context.Context, name string, autoCreate bool) (*cluster.Topic, error) {
	if t, ok := b.meta().Topic(name); ok {
		return t, nil
	}
	if !autoCreate {
		return nil, newTopicError(kerr.UnknownTopicOrPartition, "topic %s does not exist", name)
	}
	t, err := b.createTopic(ctx, &cluster.CreateTopic{Name: name, Partitions: b.cfg.DefaultPartitions, ReplicationFactor: b.cfg.DefaultReplicationFactor}, false)
	if errors.Is(err, kerr.TopicAlreadyExists) {
		if t, ok := b.meta().Topic(name); ok {
			return t, nil // created concurrently
		}
		// Created through another broker a moment ago, and not yet in this
		// broker's metadata: Kafka answers LEADER_NOT_AVAILABLE, which
		// clients retry, not TOPIC_ALREADY_EXISTS, which fails a producer.
		return nil, newTopicError(kerr.LeaderNotAvailable, "topic %s is being created; its metadata has not reached broker %d yet", name, b.cfg.NodeID)
	}
	return t, err
}

// leaderOf returns the local replica of partition idx of t, which this
// broker must lead in the request's current leader epoch (-1: any).
func (b *Broker) leaderOf(t *cluster.Topic, idx, currentEpoch int32) (*partition, error) {
	if idx < 0 || int(idx) >= len(t.Partitions) {
		return nil, newTopicError(kerr.UnknownTopicOrPartition, "topic %s has no partition %d", t.Name, idx)
	}
	p := b.replicas.get(cluster.TopicPartition{Topic: t.Name, Partition: idx})
	if p == nil || p.topicID != t.ID {
		return nil, newTopicError(kerr.NotLeaderForPartition, "not leader for partition %s-%d (leader is %d)", t.Name, idx, t.Partitions[idx].Leader)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.leading(currentEpoch); err != nil {
		return nil, err
	}
	return p, nil
}
