package log

import (
	"fmt"

	"github.com/twmb/franz-go/pkg/kgo"
)

// checkRecordKeys refuses, as Kafka's validator does, a batch for a
// compacted topic holding a record without a key (compaction would have
// nothing to keep it by, and would drop it) or records that do not parse.
// Control batches carry no user records. The caller holds appendMu, with
// l.scratch describing batches.
func (l *Log) checkRecordKeys(batches []byte) error {
	for _, ab := range l.scratch {
		if ab.h.IsControl() {
			continue
		}
		if err := checkBatchKeys(batches[ab.pos:ab.pos+ab.h.Size()], &ab.h); err != nil {
			return atPos(err, ab.pos)
		}
	}
	return nil
}

// checkBatchKeys reads every record of one batch.
func checkBatchKeys(batch []byte, h *BatchHeader) error {
	recs := batch[batchHeaderSize:]
	if c := h.Compression(); c != CompressionNone {
		var err error
		if recs, err = decompressor().Decompress(recs, kgo.CompressionCodecType(c)); err != nil {
			return &BatchError{Reason: fmt.Sprintf("its records do not decompress: %v", err), Err: ErrCorruptBatch}
		}
	}
	for i := range h.RecordCount {
		r, n, err := parseRecord(recs)
		if err != nil {
			return &BatchError{Reason: fmt.Sprintf("record %d does not parse (%v)", i, err), Err: ErrCorruptBatch}
		}
		if r.key == nil {
			return &BatchError{Reason: fmt.Sprintf("record %d has no key; a compacted topic (cleanup.policy=compact) needs a key on every record", i),
				Err: ErrInvalidRecord}
		}
		recs = recs[n:]
	}
	if len(recs) != 0 {
		return &BatchError{Reason: fmt.Sprintf("%d bytes follow the batch's %d records", len(recs), h.RecordCount), Err: ErrCorruptBatch}
	}
	return nil
}
