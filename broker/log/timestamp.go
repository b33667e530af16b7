package log

import (
	"encoding/binary"
	"fmt"
	"sync"

	"github.com/twmb/franz-go/pkg/kgo"
)

// TimestampOffset is a ListOffsets answer.
type TimestampOffset struct {
	Offset      int64
	Timestamp   int64
	LeaderEpoch int32 // the partitionLeaderEpoch of the batch holding Offset
}

// OffsetForTimestamp returns the first offset whose record timestamp is at
// or after ts (ListOffsets by timestamp): the time index narrows the search
// to a few batches, the batch headers' MaxTimestamp to one batch, whose
// records are then read (decompressed if needed). found is false when no
// record is that new (Kafka answers offset -1).
func (l *Log) OffsetForTimestamp(ts int64) (TimestampOffset, bool, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if err := l.checkOpen(); err != nil {
		return TimestampOffset{}, false, err
	}
	var buf [batchHeaderSize]byte
	for _, seg := range l.segs {
		if seg.maxTs < ts || seg.next <= l.logStart {
			continue
		}
		if err := seg.loadIndex(l.interval.Load()); err != nil {
			return TimestampOffset{}, false, err
		}
		from := max(l.logStart, seg.base)
		if e, ok := seg.tidx.lookupBefore(ts); ok {
			from = max(from, seg.base+int64(e.rel)+1)
		}
		to, found, err := l.searchSegment(seg, from, ts, buf[:])
		if err != nil || found {
			return to, found, err
		}
	}
	return TimestampOffset{}, false, nil
}

// searchSegment scans seg's batches from the one holding offset from for
// the first record at or after ts. The caller holds mu.
func (l *Log) searchSegment(seg *segment, from, ts int64, buf []byte) (TimestampOffset, bool, error) {
	pos, found, err := seg.locate(from, buf)
	if err != nil || !found {
		return TimestampOffset{}, false, err
	}
	for pos < seg.size {
		h, err := seg.headerAt(pos, buf)
		if err != nil {
			return TimestampOffset{}, false, err
		}
		if h.MaxTimestamp >= ts {
			batch := make([]byte, h.Size())
			if _, err := seg.file.f.ReadAt(batch, pos); err != nil {
				return TimestampOffset{}, false, fmt.Errorf("log: read batch at byte %d of %s: %w", pos, seg.path(logSuffix), err)
			}
			off, rts, ok, err := firstRecordAtOrAfter(batch, &h, ts, from)
			if err != nil {
				return TimestampOffset{}, false, fmt.Errorf("log: batch at byte %d of %s: %w", pos, seg.path(logSuffix), err)
			}
			if ok {
				return TimestampOffset{Offset: off, Timestamp: rts, LeaderEpoch: h.PartitionLeaderEpoch}, true, nil
			}
		}
		pos += int64(h.Size())
	}
	return TimestampOffset{}, false, nil
}

// MaxTimestamp returns the record with the largest timestamp (ListOffsets
// MAX_TIMESTAMP, KIP-734); Kafka answers with the last offset of the batch
// holding it.
func (l *Log) MaxTimestamp() (TimestampOffset, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	best := TimestampOffset{Offset: -1, Timestamp: -1, LeaderEpoch: -1}
	for _, s := range l.segs {
		if s.maxTs > best.Timestamp && s.maxTsOffset >= l.logStart {
			best.Timestamp, best.Offset = s.maxTs, s.maxTsOffset
		}
	}
	return best, best.Offset >= 0
}

var decompressor = sync.OnceValue(func() kgo.Decompressor { return kgo.DefaultDecompressor() })

// firstRecordAtOrAfter finds the first record of batch at or after offset
// min whose timestamp is at or after ts.
func firstRecordAtOrAfter(batch []byte, h *BatchHeader, ts, minOffset int64) (int64, int64, bool, error) {
	if h.TimestampType() == LogAppendTime {
		// Every record carries the batch's append time.
		if h.MaxTimestamp >= ts {
			return max(h.BaseOffset, minOffset), h.MaxTimestamp, true, nil
		}
		return 0, 0, false, nil
	}
	recs := batch[batchHeaderSize:]
	if c := h.Compression(); c != CompressionNone {
		var err error
		if recs, err = decompressor().Decompress(recs, kgo.CompressionCodecType(c)); err != nil {
			return 0, 0, false, fmt.Errorf("decompress %d records: %w", h.RecordCount, err)
		}
	}
	for range h.RecordCount {
		r, n, err := parseRecordTime(recs)
		if err != nil {
			return 0, 0, false, err
		}
		recs = recs[n:]
		off, rts := h.BaseOffset+int64(r.offsetDelta), h.FirstTimestamp+r.timestampDelta
		if off >= minOffset && rts >= ts {
			return off, rts, true, nil
		}
	}
	return 0, 0, false, nil
}

type recordTime struct {
	timestampDelta int64
	offsetDelta    int32
}

// parseRecordTime reads a v2 record's timestamp and offset deltas and
// returns how many bytes the record takes.
func parseRecordTime(b []byte) (recordTime, int, error) {
	length, n := binary.Varint(b)
	if n <= 0 || length < 3 || int64(len(b)-n) < length {
		return recordTime{}, 0, fmt.Errorf("%w: a record length is invalid", ErrCorruptBatch)
	}
	body := b[n+1 : n+int(length)] // skip the attributes byte
	tsd, m := binary.Varint(body)
	if m <= 0 {
		return recordTime{}, 0, fmt.Errorf("%w: a record timestamp delta is invalid", ErrCorruptBatch)
	}
	od, k := binary.Varint(body[m:])
	if k <= 0 {
		return recordTime{}, 0, fmt.Errorf("%w: a record offset delta is invalid", ErrCorruptBatch)
	}
	return recordTime{timestampDelta: tsd, offsetDelta: int32(od)}, n + int(length), nil
}
