package broker

import (
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Fetch v4-18.
// Serves the stored batches as they were produced. Long polls: when fewer
// than MinBytes are available the request waits, woken by appends, until
// MaxWaitMillis. MaxBytes bounds the response and PartitionMaxBytes each
// partition, except that the first partition with data returns at least
// one whole batch (KIP-74). Fetch sessions (KIP-227) are not kept: every
// response has session id 0, which tells clients to send full requests.
// read_committed reads the same as read_uncommitted (no transactions).

func init() { register(1, 4, 18, true, (*Broker).handleFetch) }

func (b *Broker) handleFetch(cx *reqCtx) (kmsg.Response, error) {
	req := cx.req.(*kmsg.FetchRequest)
	if req.SessionID != 0 && req.SessionEpoch > 0 {
		resp := req.ResponseKind().(*kmsg.FetchResponse)
		resp.ErrorCode = kerr.FetchSessionIDNotFound.Code
		return resp, nil
	}
	deadline := time.Now().Add(time.Duration(req.MaxWaitMillis) * time.Millisecond)
	for {
		wake := b.bell.wait() // before reading, so no append is missed
		resp, n := b.fetchOnce(req)
		if n >= int(req.MinBytes) || n > 0 && req.MinBytes <= 0 || !time.Now().Before(deadline) || hasError(resp) {
			return resp, nil
		}
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
// with the number of record bytes in it.
func (b *Broker) fetchOnce(req *kmsg.FetchRequest) (*kmsg.FetchResponse, int) {
	resp := req.ResponseKind().(*kmsg.FetchResponse)
	budget := int(req.MaxBytes)
	if req.Version < 3 || budget <= 0 {
		budget = 1<<31 - 1
	}
	total := 0
	for _, rt := range req.Topics {
		st := kmsg.NewFetchResponseTopic()
		st.Topic, st.TopicID = rt.Topic, rt.TopicID
		var t *topic
		if req.Version >= 13 {
			t = b.topics.getID(rt.TopicID)
		} else {
			t = b.topics.get(rt.Topic)
		}
		for _, rp := range rt.Partitions {
			sp := kmsg.NewFetchResponseTopicPartition()
			sp.Partition = rp.Partition
			n := b.fetchPartition(req.Version, t, rp, &sp, budget-total, total == 0)
			total += n
			st.Partitions = append(st.Partitions, sp)
		}
		resp.Topics = append(resp.Topics, st)
	}
	return resp, total
}

func (b *Broker) fetchPartition(version int16, t *topic, rp kmsg.FetchRequestTopicPartition, sp *kmsg.FetchResponseTopicPartition, budget int, first bool) int {
	sp.HighWatermark, sp.LastStableOffset, sp.LogStartOffset = -1, -1, -1
	// Empty, not null: librdkafka rejects a null record set (size -1).
	sp.RecordBatches = []byte{}
	switch {
	case t == nil && version >= 13:
		sp.ErrorCode = kerr.UnknownTopicID.Code
		return 0
	case t == nil || rp.Partition < 0 || int(rp.Partition) >= len(t.parts):
		sp.ErrorCode = kerr.UnknownTopicOrPartition.Code
		return 0
	case rp.CurrentLeaderEpoch > 0:
		sp.ErrorCode = kerr.UnknownLeaderEpoch.Code
		return 0
	}
	l := t.parts[rp.Partition].log
	start, end := l.StartOffset(), l.EndOffset()
	sp.HighWatermark, sp.LastStableOffset, sp.LogStartOffset = end, end, start
	if rp.FetchOffset < start || rp.FetchOffset > end {
		sp.ErrorCode = kerr.OffsetOutOfRange.Code
		return 0
	}
	limit := min(int(rp.PartitionMaxBytes), budget)
	if rp.FetchOffset == end || (limit <= 0 && !first) {
		return 0
	}
	data, err := l.Read(rp.FetchOffset, int32(max(limit, 1)))
	if err != nil {
		sp.ErrorCode = errorCode(err)
		return 0
	}
	if len(data) > limit && !first {
		return 0 // only the first partition may exceed the limits (KIP-74)
	}
	sp.RecordBatches = data
	return len(data)
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
