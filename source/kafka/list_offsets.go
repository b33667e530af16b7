package kafka

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/spate-io/spate/engine/batch"
)

// ListOffsets' special timestamps: the log start and the high watermark.
const (
	listStart int64 = -2
	listEnd   int64 = -1
)

// listOffsets lists an offset for every partition of set: the log start
// (at == listStart), the high watermark (listEnd) or the first offset with
// a timestamp at or after at milliseconds (the high watermark when there is
// none). Retriable broker errors (a leader moving, a topic just created)
// are retried until ctx ends.
func listOffsets(ctx context.Context, adm *kadm.Client, set partitionSet, at int64) (batch.Offsets, error) {
	if len(set) == 0 {
		return batch.Offsets{}, nil
	}
	backoff := 50 * time.Millisecond
	for {
		out, err := listOffsetsOnce(ctx, adm, set, at)
		if err == nil || !retriable(err) {
			return out, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w (still failing when the request timeout passed: %v)", err, ctx.Err())
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, time.Second)
	}
}

func listOffsetsOnce(ctx context.Context, adm *kadm.Client, set partitionSet, at int64) (batch.Offsets, error) {
	topics := slices.Sorted(maps.Keys(set))
	var (
		listed kadm.ListedOffsets
		err    error
	)
	switch at {
	case listStart:
		listed, err = adm.ListStartOffsets(ctx, topics...)
	case listEnd:
		listed, err = adm.ListEndOffsets(ctx, topics...)
	default:
		listed, err = adm.ListOffsetsAfterMilli(ctx, at, topics...)
	}
	if err != nil {
		return nil, listError{err}
	}
	out := make(batch.Offsets, len(set))
	for _, tp := range sortedPartitions(set) {
		lo, ok := listed.Lookup(tp.Topic, tp.Partition)
		if !ok {
			lo, ok = listed.Lookup(tp.Topic, -1) // kadm's marker for a missing topic
		}
		switch {
		case !ok:
			return nil, listError{fmt.Errorf("no offset listed for %s", tp)}
		case lo.Err != nil:
			return nil, listError{fmt.Errorf("listing offsets of %s: %w", tp, lo.Err)}
		}
		out.Set(tp.Topic, tp.Partition, lo.Offset)
	}
	return out, nil
}

// listError marks an offset listing failure for retriable().
type listError struct{ err error }

func (e listError) Error() string { return e.err.Error() }
func (e listError) Unwrap() error { return e.err }

// retriable says whether a Kafka error may go away by asking the same
// again: leadership moving, a broker restarting. An unknown topic is left to
// the caller, which looks the partitions up again (the topic may be gone).
func retriable(err error) bool {
	var ke *kerr.Error
	if errors.As(err, &ke) {
		return ke.Retriable && !errors.Is(err, kerr.UnknownTopicOrPartition)
	}
	return false
}
