package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/engine/batch"
)

// Stream is the driver's side of a Kafka source: it lists offsets with
// kadm and commits batch end offsets to the query's consumer group. It is
// safe for concurrent use.
type Stream struct {
	opts  Options
	group string
	sub   *subscription
	cl    *kgo.Client
	adm   *kadm.Client
	log   *slog.Logger

	mu sync.Mutex
	// ends are the end offsets of the last listing, to notice partitions
	// that vanish or go back between batches.
	ends batch.Offsets
}

var _ engine.Stream = (*Stream)(nil)

func openStream(ctx context.Context, o Options, group string) (*Stream, error) {
	sub, err := newSubscription(&o)
	if err != nil {
		return nil, err
	}
	cl, err := newClient(ctx, &o)
	if err != nil {
		return nil, err
	}
	return &Stream{
		opts:  o,
		group: group,
		sub:   sub,
		cl:    cl,
		adm:   kadm.NewClient(cl),
		log:   slog.Default().With("source", Kind),
	}, nil
}

// Limits returns the batch limits of the source's options.
func (s *Stream) Limits() batch.Limits {
	return batch.Limits{
		MaxOffsetsPerTrigger: s.opts.MaxOffsetsPerTrigger,
		MinOffsetsPerTrigger: s.opts.MinOffsetsPerTrigger,
		MaxTriggerDelay:      time.Duration(s.opts.MaxTriggerDelay),
		MinPartitions:        s.opts.MinPartitions,
	}
}

// Group is the consumer group Commit writes to ("" when none is known).
func (s *Stream) Group() string { return s.group }

// InitialOffsets resolves StartingOffsets, StartingTimestamp or
// StartingTimestamps for every partition read now.
func (s *Stream) InitialOffsets(ctx context.Context) (batch.Offsets, error) {
	ctx, cancel := s.timeout(ctx)
	defer cancel()
	parts, end, err := s.listEnds(ctx)
	if err != nil {
		return nil, s.wrap("listing the partitions to start from", err)
	}
	start, err := s.resolveStart(ctx, parts, end)
	if err != nil {
		return nil, s.wrap("resolving the starting offsets", err)
	}
	s.mu.Lock()
	s.ends = end
	s.mu.Unlock()
	return start, nil
}

func (s *Stream) resolveStart(ctx context.Context, parts partitionSet, end batch.Offsets) (batch.Offsets, error) {
	o := &s.opts
	switch {
	case o.StartingTimestamp != nil:
		return s.startAtTimes(ctx, timestampsFor(parts, *o.StartingTimestamp), end)
	case len(o.StartingOffsetsByTimestamp) > 0:
		if missing, extra := diffPartitionSets(parts, o.StartingOffsetsByTimestamp); len(missing) > 0 || len(extra) > 0 {
			return nil, partitionSetError("StartingTimestamps", missing, extra)
		}
		return s.startAtTimes(ctx, o.StartingOffsetsByTimestamp, end)
	}
	spec, err := parseStartOffsets(o.StartingOffsets)
	if err != nil {
		return nil, err
	}
	switch spec.kind {
	case startLatest:
		return end.Clone(), nil
	case startEarliest:
		return listOffsets(ctx, s.adm, parts, listStart)
	}
	start, err := listOffsets(ctx, s.adm, parts, listStart)
	if err != nil {
		return nil, err
	}
	return resolveSpecific(spec.specific, parts, start, end)
}

// startAtTimes lists the first offset at or after each partition's
// timestamp, one listing per distinct timestamp.
func (s *Stream) startAtTimes(ctx context.Context, stamps map[string]map[int32]int64, end batch.Offsets) (batch.Offsets, error) {
	byTime := make(map[int64]partitionSet)
	for _, tp := range sortedPartitions(stamps) {
		ms := stamps[tp.Topic][tp.Partition]
		if byTime[ms] == nil {
			byTime[ms] = make(partitionSet)
		}
		byTime[ms].add(tp.Topic, tp.Partition)
	}
	found := make(batch.Offsets)
	for ms, set := range byTime {
		offs, err := listOffsets(ctx, s.adm, set, ms)
		if err != nil {
			return nil, err
		}
		for _, tp := range offs.Partitions() {
			off, _ := offs.Get(tp.Topic, tp.Partition)
			found.Set(tp.Topic, tp.Partition, off)
		}
	}
	return resolveTimestamps(stamps, found, end, s.opts.StartingTimestampStrategy)
}

// LatestOffsets lists the end (high watermark) of every partition read now;
// a pattern is evaluated again, so new topics and partitions appear. A
// partition that vanished or whose end went back since the last listing is
// data loss: an error under FailOnDataLoss, else logged and left out.
func (s *Stream) LatestOffsets(ctx context.Context) (batch.Offsets, error) {
	ctx, cancel := s.timeout(ctx)
	defer cancel()
	_, end, err := s.listEnds(ctx)
	if err != nil {
		return nil, s.wrap("listing the latest offsets", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkChanges(end); err != nil {
		return nil, err
	}
	s.ends = end
	return end.Clone(), nil
}

// checkChanges reports partitions that vanished or went back.
func (s *Stream) checkChanges(end batch.Offsets) error {
	if s.ends == nil {
		return nil
	}
	for _, c := range partitionChanges(s.ends, end) {
		lost := c.lossError()
		if s.opts.FailOnDataLoss {
			return lost
		}
		s.log.Warn("kafka: skipping lost data (FailOnDataLoss is false)", "partition", c.TopicPartition.String(), "error", lost.Error())
	}
	return nil
}

// EarliestOffsets lists the first available offset (log start) of every
// partition read now.
func (s *Stream) EarliestOffsets(ctx context.Context) (batch.Offsets, error) {
	ctx, cancel := s.timeout(ctx)
	defer cancel()
	var out batch.Offsets
	err := s.withPartitions(ctx, func(parts partitionSet) (err error) {
		out, err = listOffsets(ctx, s.adm, parts, listStart)
		return err
	})
	if err != nil {
		return nil, s.wrap("listing the earliest offsets", err)
	}
	return out, nil
}

// listEnds finds the partitions read now and their end offsets.
func (s *Stream) listEnds(ctx context.Context) (partitionSet, batch.Offsets, error) {
	var (
		parts partitionSet
		end   batch.Offsets
	)
	err := s.withPartitions(ctx, func(p partitionSet) (err error) {
		parts = p
		end, err = listOffsets(ctx, s.adm, p, listEnd)
		return err
	})
	return parts, end, err
}

// withPartitions runs fn with the partitions read now, looking them up again
// when fn meets an unknown topic: a topic deleted between the two requests
// drops out, a topic just created gets time to reach every broker.
func (s *Stream) withPartitions(ctx context.Context, fn func(partitionSet) error) error {
	const attempts = 5
	var err error
	for i := range attempts {
		var parts partitionSet
		if parts, err = s.sub.partitions(ctx, s.adm, s.known); err != nil {
			return err
		}
		if err = fn(parts); !errors.Is(err, kerr.UnknownTopicOrPartition) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(i+1) * 100 * time.Millisecond):
		}
	}
	return err
}

// known says whether the last listing had the partition.
func (s *Stream) known(tp batch.TopicPartition) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.ends.Get(tp.Topic, tp.Partition)
	return ok
}

// Commit commits the batch's end offsets to the query's consumer group with
// a plain OffsetCommit (generation -1, no member), which Kafka accepts for a
// group without members; kadm.Lag and `spate lag` then show the query.
func (s *Stream) Commit(ctx context.Context, end batch.Offsets) error {
	if s.group == "" {
		return errors.New("kafka: no consumer group to commit to: set GroupID(...) or let the driver name the query (WithQueryName)")
	}
	if len(end) == 0 {
		return nil
	}
	ctx, cancel := s.timeout(ctx)
	defer cancel()
	offsets := make(kadm.Offsets)
	for _, tp := range end.Partitions() {
		at, _ := end.Get(tp.Topic, tp.Partition)
		offsets.Add(kadm.Offset{Topic: tp.Topic, Partition: tp.Partition, At: at, LeaderEpoch: -1})
	}
	if err := s.adm.CommitAllOffsets(ctx, s.group, offsets); err != nil {
		return s.wrap("committing offsets to group "+s.group, commitHint(err))
	}
	return nil
}

// commitHint explains the errors a commit without membership meets when
// the group has live members: someone else uses the group.
func commitHint(err error) error {
	if errors.Is(err, kerr.UnknownMemberID) || errors.Is(err, kerr.IllegalGeneration) || errors.Is(err, kerr.RebalanceInProgress) {
		return fmt.Errorf("%w: the group has active members, so it is not the query's own; give the query its own GroupID", err)
	}
	return err
}

// Close releases the stream's connections.
func (s *Stream) Close() error {
	s.cl.Close()
	return nil
}

// timeout bounds one driver call by RequestTimeout.
func (s *Stream) timeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.opts.requestTimeout())
}

// wrap names what failed, turning connection failures into an
// UnreachableError. Errors of this package pass through unchanged.
func (s *Stream) wrap(doing string, err error) error {
	err = reachErr(s.opts.brokers(), err)
	var (
		unreachable *UnreachableError
		lost        *DataLossError
	)
	if errors.As(err, &unreachable) || errors.As(err, &lost) || isOwnError(err) {
		return err
	}
	return wrapErr(err, "%s", doing)
}
