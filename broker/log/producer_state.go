package log

import (
	"fmt"
	"math"
)

// maxProducerBatches is how many of a producer's latest batches are kept for
// deduplication: Kafka clients have at most 5 requests in flight per
// partition with idempotence, so a retry is always one of the last 5.
const maxProducerBatches = 5

// producerBatch is the metadata of one appended idempotent batch.
type producerBatch struct {
	firstSeq, lastSeq       int32
	firstOffset, lastOffset int64
}

// producerEntry is a producer's state in one partition: its epoch and its
// latest batches, oldest first (Kafka's ProducerStateEntry).
type producerEntry struct {
	epoch         int16
	n             uint8
	batches       [maxProducerBatches]producerBatch
	lastTimestamp int64 // the newest batch's MaxTimestamp, for expiration
}

// lastSeq is the sequence of the producer's last record, NoSequence if none.
func (e *producerEntry) lastSeq() int32 {
	if e.n == 0 {
		return NoSequence
	}
	return e.batches[e.n-1].lastSeq
}

// lastOffset is the offset of the producer's last record, -1 if none.
func (e *producerEntry) lastOffset() int64 {
	if e.n == 0 {
		return -1
	}
	return e.batches[e.n-1].lastOffset
}

// findDuplicate returns the kept batch with the same epoch and sequences.
func (e *producerEntry) findDuplicate(epoch int16, firstSeq, lastSeq int32) (producerBatch, bool) {
	if epoch != e.epoch {
		return producerBatch{}, false
	}
	for _, b := range e.batches[:e.n] {
		if b.firstSeq == firstSeq && b.lastSeq == lastSeq {
			return b, true
		}
	}
	return producerBatch{}, false
}

// inSequence reports whether next follows last, with the int32 wrap-around.
func inSequence(last, next int32) bool {
	return next == last+1 || (next == 0 && last == math.MaxInt32)
}

// producerBatchInfo is what producer-state rules read from a batch header.
type producerBatchInfo struct {
	id       int64
	epoch    int16
	firstSeq int32
	lastSeq  int32
}

// checkProducerAppend applies Kafka's ProducerStateManager rules to a batch
// a client produced. cur is the producer's entry, known false if the
// partition has no state for it. A duplicate of a kept batch returns it with
// dup true; otherwise err is nil when the batch may be appended.
//
// Rules: an epoch older than the known one is fenced; a batch with a new
// epoch must start at sequence 0 (unless the producer's state was lost, e.g.
// to retention, when any sequence is accepted); within an epoch the first
// sequence must follow the last one.
func checkProducerAppend(cur producerEntry, known bool, b producerBatchInfo) (producerBatch, bool, error) {
	if !known {
		return producerBatch{}, false, nil
	}
	if b.epoch < cur.epoch {
		return producerBatch{}, false, seqError(b, ErrInvalidProducerEpoch,
			fmt.Sprintf("the partition has seen epoch %d; a newer producer with this id fenced this one", cur.epoch))
	}
	if dup, ok := cur.findDuplicate(b.epoch, b.firstSeq, b.lastSeq); ok {
		return dup, true, nil
	}
	if b.epoch != cur.epoch {
		if b.firstSeq != 0 && cur.epoch != NoProducerEpoch {
			return producerBatch{}, false, seqError(b, ErrOutOfOrderSequence,
				fmt.Sprintf("a new epoch must start at sequence 0 (the partition's epoch is %d)", cur.epoch))
		}
		return producerBatch{}, false, nil
	}
	if cur.epoch != NoProducerEpoch && !inSequence(cur.lastSeq(), b.firstSeq) {
		return producerBatch{}, false, seqError(b, ErrOutOfOrderSequence,
			fmt.Sprintf("expected sequence %d after %d", addSequence(cur.lastSeq(), 1), cur.lastSeq()))
	}
	return producerBatch{}, false, nil
}

func seqError(b producerBatchInfo, err error, reason string) error {
	return &SequenceError{ProducerID: b.id, ProducerEpoch: b.epoch, FirstSeq: b.firstSeq, Reason: reason, Err: err}
}

// applyProducerAppend returns cur updated with an appended batch. A new
// epoch forgets the older epoch's batches. Used for leader appends after
// checkProducerAppend, and unchecked for replicated appends and recovery.
func applyProducerAppend(cur producerEntry, known bool, b producerBatchInfo, firstOffset, lastOffset, ts int64) producerEntry {
	if !known || b.epoch != cur.epoch {
		cur = producerEntry{epoch: b.epoch}
	}
	pb := producerBatch{firstSeq: b.firstSeq, lastSeq: b.lastSeq, firstOffset: firstOffset, lastOffset: lastOffset}
	if cur.n == maxProducerBatches {
		copy(cur.batches[:], cur.batches[1:])
		cur.n--
	}
	cur.batches[cur.n] = pb
	cur.n++
	if ts > cur.lastTimestamp {
		cur.lastTimestamp = ts
	}
	return cur
}

// producerStates is a partition's idempotent producer state.
type producerStates map[int64]producerEntry

// evictBefore forgets producers whose last record is below offset (their
// batches were deleted by retention or DeleteRecords).
func (ps producerStates) evictBefore(offset int64) {
	for id, e := range ps {
		if e.lastOffset() < offset {
			delete(ps, id)
		}
	}
}

// evictIdle forgets producers whose newest batch is older than expireMs.
func (ps producerStates) evictIdle(nowMs, expireMs int64) {
	for id, e := range ps {
		if nowMs-e.lastTimestamp >= expireMs {
			delete(ps, id)
		}
	}
}

// ProducerInfo is a producer's state in a partition, for DescribeProducers
// style diagnostics and tests.
type ProducerInfo struct {
	ProducerID    int64
	ProducerEpoch int16
	LastSequence  int32
	LastOffset    int64
	LastTimestamp int64
}

func (e *producerEntry) info(id int64) ProducerInfo {
	return ProducerInfo{ProducerID: id, ProducerEpoch: e.epoch, LastSequence: e.lastSeq(), LastOffset: e.lastOffset(), LastTimestamp: e.lastTimestamp}
}
