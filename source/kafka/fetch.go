package kafka

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/spate-io/spate/engine/batch"
)

// fetchMaxWait is how long the broker may hold a fetch when the range's
// next offset is not there yet (only after a leader change or truncation:
// ranges are planned below the high watermark).
const fetchMaxWait = 500 * time.Millisecond

// fetchResult is one fetch of one partition, decoded.
type fetchResult struct {
	// d holds the records at or after the fetch offset.
	d *decoded
	// next is the offset to fetch next: past every batch the response
	// held, including transaction markers and compacted-away offsets that
	// yield no record.
	next int64
	// hwm is the partition's high watermark.
	hwm int64
	// partErr is the partition's error: a Kafka error code, or records
	// that do not decode.
	partErr error
	// size is the bytes of record batches received.
	size int
	// err is a failed request (no broker answer, no leader known).
	err error
}

// errTopicGone marks a partition that metadata no longer lists.
var errTopicGone = errors.New("the partition no longer exists")

// fetch asks the partition's leader for records from offset on and decodes
// them (CRC checks, decompression with franz-go's codecs, transaction
// markers passed over). refresh forces fresh metadata, after a leader
// change.
func (r *Reader) fetch(ctx context.Context, tp batch.TopicPartition, offset int64, maxBytes int32, refresh bool) fetchResult {
	leader, err := r.leader(ctx, tp, refresh)
	if err != nil {
		return fetchResult{err: err}
	}
	req := fetchRequest(tp, offset, maxBytes)
	kresp, err := r.cl.Broker(int(leader)).Request(ctx, req)
	if err != nil {
		return fetchResult{err: err}
	}
	resp := kresp.(*kmsg.FetchResponse)
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
		return fetchResult{err: err}
	}
	rp, ok := findFetchPartition(resp, tp)
	if !ok {
		return fetchResult{err: fmt.Errorf("the broker's fetch response lacks %s", tp)}
	}
	res := fetchResult{next: offset, hwm: rp.HighWatermark, size: len(rp.RecordBatches)}
	if res.partErr = kerr.ErrorForCode(rp.ErrorCode); res.partErr != nil {
		return res
	}
	res.d, res.next, res.partErr = decodeBatches(rp.RecordBatches, offset, r.decompressor)
	return res
}

// fetchRequest is a sessionless fetch of one partition. The client pins
// Fetch to v12, which names topics: every Kafka since 2.7 serves it, and no
// topic id lookup is needed.
func fetchRequest(tp batch.TopicPartition, offset int64, maxBytes int32) *kmsg.FetchRequest {
	req := kmsg.NewPtrFetchRequest()
	req.MaxWaitMillis = int32(fetchMaxWait / time.Millisecond)
	req.MinBytes = 1
	req.MaxBytes = maxBytes
	req.IsolationLevel = 0 // read_uncommitted, Spark's default
	rt := kmsg.NewFetchRequestTopic()
	rt.Topic = tp.Topic
	rp := kmsg.NewFetchRequestTopicPartition()
	rp.Partition = tp.Partition
	rp.FetchOffset = offset
	rp.CurrentLeaderEpoch = -1
	rp.LogStartOffset = -1
	rp.PartitionMaxBytes = maxBytes
	rt.Partitions = append(rt.Partitions, rp)
	req.Topics = append(req.Topics, rt)
	return req
}

func findFetchPartition(resp *kmsg.FetchResponse, tp batch.TopicPartition) (*kmsg.FetchResponseTopicPartition, bool) {
	for i := range resp.Topics {
		t := &resp.Topics[i]
		if t.Topic != tp.Topic {
			continue
		}
		for j := range t.Partitions {
			if t.Partitions[j].Partition == tp.Partition {
				return &t.Partitions[j], true
			}
		}
	}
	return nil, false
}

// leader finds the partition's leader from the client's metadata cache
// (refreshed when older than a second, or now when refresh is set).
func (r *Reader) leader(ctx context.Context, tp batch.TopicPartition, refresh bool) (int32, error) {
	limit := time.Duration(0) // the client's MetadataMinAge
	if refresh {
		limit = time.Nanosecond
	}
	req := kmsg.NewPtrMetadataRequest()
	rt := kmsg.NewMetadataRequestTopic()
	rt.Topic = kmsg.StringPtr(tp.Topic)
	req.Topics = append(req.Topics, rt)
	req.AllowAutoTopicCreation = false
	resp, err := r.cl.RequestCachedMetadata(ctx, req, limit)
	if err != nil {
		return 0, err
	}
	return leaderOf(resp, tp)
}

// leaderOf reads the partition's leader out of a metadata response.
func leaderOf(resp *kmsg.MetadataResponse, tp batch.TopicPartition) (int32, error) {
	for _, t := range resp.Topics {
		if t.Topic == nil || *t.Topic != tp.Topic {
			continue
		}
		if err := kerr.ErrorForCode(t.ErrorCode); err != nil {
			if errors.Is(err, kerr.UnknownTopicOrPartition) {
				return 0, fmt.Errorf("%w: %w", errTopicGone, err)
			}
			return 0, err
		}
		for _, p := range t.Partitions {
			if p.Partition != tp.Partition {
				continue
			}
			if err := kerr.ErrorForCode(p.ErrorCode); err != nil && !errors.Is(err, kerr.ReplicaNotAvailable) {
				return 0, err
			}
			if p.Leader < 0 {
				return 0, kerr.LeaderNotAvailable
			}
			return p.Leader, nil
		}
		return 0, fmt.Errorf("%w: topic %s has %d partitions", errTopicGone, tp.Topic, len(t.Partitions))
	}
	return 0, fmt.Errorf("%w: %w", errTopicGone, kerr.UnknownTopicOrPartition)
}
