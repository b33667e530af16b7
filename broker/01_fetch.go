package broker

import (
	"time"

	"github.com/spate-io/spate/broker/cluster"
	blog "github.com/spate-io/spate/broker/log"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Fetch v4-18.
// Served by the partition's leader from the stored batches as they were
// produced. Consumers (replica id -1) read up to the high watermark;
// followers (replica id >= 0, or ReplicaState v15+) read up to the log
// end, and each follower fetch tells the leader the follower's log end
// offset (its fetch offset), which moves the high watermark and the ISR.
// CurrentLeaderEpoch is checked (FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH).
// Long polls: when fewer than MinBytes are available the request waits,
// woken by appends and high watermark moves, until MaxWaitMillis.
// MaxBytes bounds the response and PartitionMaxBytes each partition,
// except that the first partition with data returns at least one whole
// batch (KIP-74). Fetch sessions (KIP-227) are not kept: every response
// has session id 0, which tells clients to send full requests.
// read_committed reads the same as read_uncommitted (no transactions).

func init() { register(1, 4, 18, true, (*Broker).handleFetch) }

func (b *Broker) handleFetch(cx *reqCtx) (kmsg.Response, error) {
	req := cx.req.(*kmsg.FetchRequest)
	if req.SessionID != 0 && req.SessionEpoch > 0 {
		resp := req.ResponseKind().(*kmsg.FetchResponse)
		resp.ErrorCode = kerr.FetchSessionIDNotFound.Code
		return resp, nil
	}
	replica := req.ReplicaID
	if req.Version >= 15 {
		replica = req.ReplicaState.ID
	}
	deadline := time.Now().Add(time.Duration(req.MaxWaitMillis) * time.Millisecond)
	for {
		wake := b.bell.wait() // before reading, so no append is missed
		resp, n := b.fetchOnce(req, replica)
		if n >= int(req.MinBytes) || n > 0 && req.MinBytes <= 0 || !time.Now().Before(deadline) || hasError(resp.FetchResponse) {
			return resp, nil
		}
		resp.release()
		t := time.NewTimer(time.Until(deadline))
		select {
		case <-wake:
		case <-t.C:
		case <-cx.ctx.Done():
			t.Stop()
			return nil, nil
		}
		t.Stop()
	}
}

// fetchOnce reads every requested partition once and returns the response
// (records as file ranges) with the number of record bytes in it.
func (b *Broker) fetchOnce(req *kmsg.FetchRequest, replica int32) (*fetchResponse, int) {
	resp := &fetchResponse{FetchResponse: req.ResponseKind().(*kmsg.FetchResponse)}
	budget := int(req.MaxBytes)
	if req.Version < 3 || budget <= 0 {
		budget = 1<<31 - 1
	}
	s := b.meta()
	total := 0
	for _, rt := range req.Topics {
		st := kmsg.NewFetchResponseTopic()
		st.Topic, st.TopicID = rt.Topic, rt.TopicID
		var t *cluster.Topic
		if req.Version >= 13 {
			t, _ = s.TopicByID(cluster.TopicID(rt.TopicID))
		} else {
			t, _ = s.Topic(rt.Topic)
		}
		files := make([]*blog.ReadResult, len(rt.Partitions))
		for i, rp := range rt.Partitions {
			sp := kmsg.NewFetchResponseTopicPartition()
			sp.Partition = rp.Partition
			files[i] = b.fetchPartition(req.Version, replica, t, rp, &sp, budget-total, total == 0)
			if files[i] != nil {
				total += int(files[i].Size)
			}
			st.Partitions = append(st.Partitions, sp)
		}
		resp.Topics = append(resp.Topics, st)
		resp.files = append(resp.files, files)
	}
	return resp, total
}

// fetchPartition answers one partition; its records, if any, are the
// returned file ranges.
func (b *Broker) fetchPartition(version int16, replica int32, t *cluster.Topic, rp kmsg.FetchRequestTopicPartition, sp *kmsg.FetchResponseTopicPartition, budget int, first bool) *blog.ReadResult {
	sp.HighWatermark, sp.LastStableOffset, sp.LogStartOffset = -1, -1, -1
	// Empty, not null: librdkafka rejects a null record set (size -1).
	sp.RecordBatches = []byte{}
	if t == nil {
		sp.ErrorCode = kerr.UnknownTopicOrPartition.Code
		if version >= 13 {
			sp.ErrorCode = kerr.UnknownTopicID.Code
		}
		return nil
	}
	p, err := b.leaderOf(t, rp.Partition, rp.CurrentLeaderEpoch)
	if err != nil {
		sp.ErrorCode = errorCode(err)
		return nil
	}
	start := p.log.LogStartOffset()
	sp.LogStartOffset = start
	until, hw := p.log.LogEndOffset(), p.highWatermark()
	if replica >= 0 {
		if rp.FetchOffset >= start {
			until, hw, err = p.followerFetched(replica, rp.CurrentLeaderEpoch, rp.FetchOffset, time.Now(), func(cmd *cluster.AlterPartition) { b.replicas.propose(p, cmd) })
		}
	} else {
		until = hw
	}
	sp.HighWatermark, sp.LastStableOffset = hw, hw
	switch {
	case err != nil:
		sp.ErrorCode = errorCode(err)
		return nil
	case rp.FetchOffset < start || rp.FetchOffset > p.log.LogEndOffset():
		sp.ErrorCode = kerr.OffsetOutOfRange.Code
		return nil
	}
	limit := min(int(rp.PartitionMaxBytes), budget)
	if rp.FetchOffset >= until || (limit <= 0 && !first) {
		return nil
	}
	r, err := p.log.ReadUntil(rp.FetchOffset, max(limit, 1), until)
	if err != nil {
		sp.ErrorCode = errorCode(logError(err))
		return nil
	}
	if r.Size == 0 || r.Size > int64(limit) && !first {
		r.Close() // only the first partition may exceed the limits (KIP-74)
		return nil
	}
	return r
}

func hasError(resp *kmsg.FetchResponse) bool {
	if resp.ErrorCode != 0 {
		return true
	}
	for _, t := range resp.Topics {
		for _, p := range t.Partitions {
			if p.ErrorCode != 0 {
				return true
			}
		}
	}
	return false
}
