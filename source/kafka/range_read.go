package kafka

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/spate-io/spate/engine/batch"
)

// rangeRead is one ReadRange call: the position in the partition and the
// record being built. The next fetch is sent before the records of the
// previous one are copied into Arrow, so the network, decoding and copying
// overlap; only one fetch is in flight.
type rangeRead struct {
	r      *Reader
	rg     batch.Range
	tp     batch.TopicPartition
	emit   func(arrow.RecordBatch) error
	filter rangeFilter

	// pending are the records of the next Arrow record, still in the
	// fetch buffers; pendingRows and pendingBytes count them and their key,
	// value and header bytes.
	pending                   rows
	pendingRows, pendingBytes int

	pos            int64   // next offset to fetch
	bytesPerOffset float64 // observed, to size fetches
	bigBatch       int32   // a raised fetch size after a batch did not fit, 0 if none
	refresh        bool    // the next fetch re-reads metadata
	failures       int     // fetches in a row that failed
	lastProgress   time.Time
}

func newRangeRead(r *Reader, rg batch.Range, emit func(arrow.RecordBatch) error) *rangeRead {
	return &rangeRead{
		r:            r,
		rg:           rg,
		tp:           rg.TopicPartition(),
		emit:         emit,
		filter:       newRangeFilter(rg.From, rg.Until),
		pos:          rg.From,
		lastProgress: time.Now(),
	}
}

func (rr *rangeRead) run(ctx context.Context) error {
	pending := rr.start(ctx, 0)
	for {
		var res fetchResult
		select {
		case res = <-pending:
		case <-ctx.Done():
			return rr.wrap(ctx.Err())
		}
		seg, delay, err := rr.step(ctx, res)
		if err != nil {
			return err
		}
		if rr.pos < rr.rg.Until {
			pending = rr.start(ctx, delay)
		}
		if err := rr.add(seg); err != nil {
			return err
		}
		if rr.pos >= rr.rg.Until {
			return rr.flush()
		}
	}
}

// start sends the fetch at the current position after delay, in its own
// goroutine; the buffered channel lets it finish even if nobody waits.
func (rr *rangeRead) start(ctx context.Context, delay time.Duration) <-chan fetchResult {
	ch := make(chan fetchResult, 1)
	pos, size, refresh := rr.pos, rr.fetchSize(), rr.refresh
	rr.refresh = false
	go func() {
		if delay > 0 {
			t := time.NewTimer(delay)
			defer t.Stop()
			select {
			case <-t.C:
			case <-ctx.Done():
				ch <- fetchResult{err: ctx.Err()}
				return
			}
		}
		fctx, cancel := context.WithTimeout(ctx, rr.r.opts.requestTimeout()+fetchMaxWait)
		defer cancel()
		ch <- rr.r.fetch(fctx, rr.tp, pos, size, refresh)
	}()
	return ch
}

func (rr *rangeRead) fetchSize() int32 {
	if rr.bigBatch > 0 {
		return rr.bigBatch
	}
	return fetchBytes(rr.rg.Until-rr.pos, rr.bytesPerOffset)
}

// step applies one fetch: it moves the position and returns the records to
// add, or decides how long to wait before fetching again, or fails.
func (rr *rangeRead) step(ctx context.Context, res fetchResult) (segment, time.Duration, error) {
	if ctx.Err() != nil {
		return segment{}, 0, rr.wrap(ctx.Err())
	}
	switch {
	case res.err != nil:
		return segment{}, rr.backoff(), rr.retryOrFail(res.err)
	case errors.Is(res.partErr, kerr.OffsetOutOfRange):
		return segment{}, 0, rr.outOfRange(ctx)
	case res.partErr != nil:
		var ke *kerr.Error
		if errors.As(res.partErr, &ke) && ke.Retriable {
			return segment{}, rr.backoff(), rr.retryOrFail(res.partErr)
		}
		return segment{}, 0, wrapErr(res.partErr, "cannot read %s at offset %d", rr.tp, rr.pos)
	}
	rr.r.fetches.Add(1)
	if res.next <= rr.pos {
		return segment{}, rr.noProgress(res), rr.stalled(res)
	}
	rr.progress(res)
	return segment{d: res.d, recs: rr.filter.keep(res.d.recs)}, 0, nil
}

// progress records a fetch that moved the position.
func (rr *rangeRead) progress(res fetchResult) {
	sample := float64(res.size) / float64(res.next-rr.pos)
	if rr.bytesPerOffset == 0 {
		rr.bytesPerOffset = sample
	} else {
		rr.bytesPerOffset = (rr.bytesPerOffset + sample) / 2
	}
	rr.pos = res.next
	rr.bigBatch = 0
	rr.failures = 0
	rr.lastProgress = time.Now()
}

// noProgress handles a fetch that returned nothing new. Below the high
// watermark that means the batch at pos is larger than the fetch size
// (a broker that does not send a first oversized batch whole): ask for
// twice as much. At the high watermark the range's end is not there yet
// (it was planned against a leader that has since moved): wait for it.
func (rr *rangeRead) noProgress(res fetchResult) time.Duration {
	if res.hwm > rr.pos {
		rr.bigBatch = min(2*max(rr.fetchSize(), rr.bigBatch), largestFetchBytes)
		return 0
	}
	return rr.backoff()
}

// stalled fails the range when it made no progress for PollTimeout: the
// rest of the range is not in the partition. That is data loss (the log was
// truncated below what the range was planned on).
func (rr *rangeRead) stalled(res fetchResult) error {
	if time.Since(rr.lastProgress) < rr.r.opts.pollTimeout() {
		return nil
	}
	if res.hwm > rr.pos {
		return fmt.Errorf("kafka: cannot read %s at offset %d: the record batch there does not fit in a %d-byte fetch", rr.tp, rr.pos, rr.fetchSize())
	}
	why := fmt.Sprintf("the partition ends at %d and nothing arrived for %s", res.hwm, rr.r.opts.pollTimeout())
	return rr.lose(rr.pos, rr.rg.Until, why)
}

// retryOrFail keeps retrying a failed fetch with fresh metadata until
// PollTimeout passes without progress. A partition that metadata no longer
// lists was deleted: its rest is lost.
func (rr *rangeRead) retryOrFail(err error) error {
	rr.refresh = true
	rr.failures++
	if errors.Is(err, errTopicGone) && rr.failures >= 3 {
		return rr.lose(rr.pos, rr.rg.Until, err.Error()+": was the topic deleted?")
	}
	if time.Since(rr.lastProgress) < rr.r.opts.pollTimeout() {
		return nil
	}
	return wrapErr(reachErr(rr.r.opts.brokers(), err), "cannot read %s at offset %d for %s", rr.tp, rr.pos, rr.r.opts.pollTimeout())
}

// backoff is the pause before fetching again after a failure or an empty
// answer: 50ms doubling to 1s.
func (rr *rangeRead) backoff() time.Duration {
	return min(50*time.Millisecond<<min(rr.failures, 5), time.Second)
}

// outOfRange asks where the partition starts and ends now and skips or
// reports the lost offsets.
func (rr *rangeRead) outOfRange(ctx context.Context) error {
	lctx, cancel := context.WithTimeout(ctx, rr.r.opts.requestTimeout())
	defer cancel()
	set := partitionSet{rr.tp.Topic: {rr.tp.Partition: true}}
	start, err := listOffsets(lctx, rr.r.adm, set, listStart)
	if err != nil {
		return rr.retryOrFail(err)
	}
	end, err := listOffsets(lctx, rr.r.adm, set, listEnd)
	if err != nil {
		return rr.retryOrFail(err)
	}
	logStart, _ := start.Get(rr.tp.Topic, rr.tp.Partition)
	logEnd, _ := end.Get(rr.tp.Topic, rr.tp.Partition)
	next, lostFrom, lostUntil := outOfRange(rr.pos, rr.rg.Until, logStart, logEnd)
	if lostUntil == lostFrom {
		return rr.retryOrFail(kerr.OffsetOutOfRange)
	}
	why := fmt.Sprintf("the log now starts at %d", logStart)
	if rr.pos > logEnd {
		why = fmt.Sprintf("the log now ends at %d", logEnd)
	}
	if err := rr.lose(lostFrom, lostUntil, why); err != nil {
		return err
	}
	rr.pos = next
	return nil
}

// lose reports [from, until) as lost: an error under FailOnDataLoss, else
// a warning, a count, and reading goes on at until.
func (rr *rangeRead) lose(from, until int64, why string) error {
	lost := &DataLossError{Topic: rr.tp.Topic, Partition: rr.tp.Partition, From: from, Until: until, Why: why}
	if rr.r.opts.FailOnDataLoss {
		return lost
	}
	rr.r.log.Warn("kafka: skipping lost offsets (FailOnDataLoss is false)", "partition", rr.tp.String(), "from", from, "until", until, "why", why)
	rr.r.lost.Add(until - from)
	rr.pos = max(rr.pos, until)
	rr.filter.last = max(rr.filter.last, until-1)
	rr.lastProgress = time.Now()
	return nil
}

// add queues a fetch's records for the Arrow record being gathered,
// emitting it whenever it reaches a size limit.
func (rr *rangeRead) add(seg segment) error {
	recs := seg.recs
	for len(recs) > 0 {
		n := 0
		for n < len(recs) && rr.pendingRows < rr.r.chunkRows && rr.pendingBytes < rr.r.chunkBytes {
			rr.pendingBytes += int(recs[n].size)
			rr.pendingRows++
			n++
		}
		rr.pending = append(rr.pending, segment{d: seg.d, recs: recs[:n]})
		recs = recs[n:]
		if rr.pendingRows >= rr.r.chunkRows || rr.pendingBytes >= rr.r.chunkBytes {
			if err := rr.flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

// flush copies the pending records into an Arrow record and emits it.
func (rr *rangeRead) flush() error {
	if rr.pendingRows == 0 {
		return nil
	}
	rows, size := rr.pendingRows, rr.pendingBytes
	rec := buildRecord(rr.r.mem, rr.tp.Topic, rr.tp.Partition, rr.pending, rr.r.opts.IncludeHeaders)
	clear(rr.pending) // drop the references to the fetch buffers
	rr.pending, rr.pendingRows, rr.pendingBytes = rr.pending[:0], 0, 0
	if err := rr.emit(rec); err != nil {
		return err
	}
	rr.r.records.Add(int64(rows))
	rr.r.bytes.Add(int64(size))
	return nil
}

func (rr *rangeRead) wrap(err error) error {
	return wrapErr(err, "reading %s stopped at offset %d", rr.rg, rr.pos)
}
