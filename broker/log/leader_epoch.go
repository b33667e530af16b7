package log

import "fmt"

// UndefinedEpoch and UndefinedOffset are EndOffsetForEpoch's answer when it
// knows nothing about an epoch (Kafka's UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET).
const (
	UndefinedEpoch  int32 = -1
	UndefinedOffset int64 = -1
)

// EpochEntry says that leader epoch Epoch wrote its first batch at StartOffset.
type EpochEntry struct {
	Epoch       int32
	StartOffset int64
}

// epochCache is a partition's leader epoch history (Kafka's
// LeaderEpochFileCache): entries strictly increasing in both fields.
type epochCache struct {
	entries []EpochEntry
}

// latest is the newest entry.
func (c *epochCache) latest() (EpochEntry, bool) {
	if len(c.entries) == 0 {
		return EpochEntry{}, false
	}
	return c.entries[len(c.entries)-1], true
}

// assign records that epoch starts at offset, if that is news: a newer epoch,
// or the same epoch starting earlier. Entries it contradicts (an epoch at or
// after it, or starting at or after offset) are dropped. It reports whether
// the cache changed, so the caller rewrites the checkpoint only then.
func (c *epochCache) assign(epoch int32, offset int64) bool {
	if epoch < 0 || offset < 0 {
		return false
	}
	if l, ok := c.latest(); ok && epoch == l.Epoch && offset >= l.StartOffset {
		return false
	}
	if l, ok := c.latest(); ok && epoch < l.Epoch && offset >= l.StartOffset {
		// An old epoch's batch after a newer epoch's start is a follower
		// copying history it already knows: nothing to record.
		return false
	}
	kept := c.entries[:0]
	for _, e := range c.entries {
		if e.Epoch < epoch && e.StartOffset < offset {
			kept = append(kept, e)
		}
	}
	c.entries = append(kept, EpochEntry{Epoch: epoch, StartOffset: offset})
	return true
}

// truncateFromEnd drops epochs that start at or after endOffset (the log
// was truncated to endOffset).
func (c *epochCache) truncateFromEnd(endOffset int64) bool {
	n := len(c.entries)
	for n > 0 && c.entries[n-1].StartOffset >= endOffset {
		n--
	}
	changed := n != len(c.entries)
	c.entries = c.entries[:n]
	return changed
}

// truncateFromStart drops epochs that ended before startOffset (the log
// start moved to it); the epoch in force at startOffset now starts there.
func (c *epochCache) truncateFromStart(startOffset int64) bool {
	i := 0
	for i+1 < len(c.entries) && c.entries[i+1].StartOffset <= startOffset {
		i++
	}
	changed := i > 0
	c.entries = append(c.entries[:0], c.entries[i:]...)
	if len(c.entries) > 0 && c.entries[0].StartOffset < startOffset {
		c.entries[0].StartOffset = startOffset
		changed = true
	}
	return changed
}

// endOffsetFor answers OffsetForLeaderEpoch (KIP-101, KIP-279): the largest
// epoch at or below the requested one, and the offset where the next epoch
// starts (the log end offset for the latest epoch). A requested epoch below
// every known one answers with itself and the first epoch's start offset; an
// unknown epoch above every known one, or no history, answers undefined.
func (c *epochCache) endOffsetFor(epoch int32, logEnd int64) (int32, int64) {
	if epoch == UndefinedEpoch {
		return UndefinedEpoch, UndefinedOffset
	}
	if l, ok := c.latest(); ok && l.Epoch == epoch {
		return epoch, logEnd
	}
	floor := -1
	for i, e := range c.entries {
		if e.Epoch > epoch {
			if floor < 0 {
				return epoch, e.StartOffset
			}
			return c.entries[floor].Epoch, e.StartOffset
		}
		floor = i
	}
	return UndefinedEpoch, UndefinedOffset
}

// clone copies the entries for callers outside the lock.
func (c *epochCache) clone() []EpochEntry {
	return append([]EpochEntry(nil), c.entries...)
}

// maxEpochEntries bounds the entries a leader-epoch-checkpoint may
// announce: far more epochs than a partition lives through.
const maxEpochEntries = 1 << 20

// encodeEpochCheckpoint writes Kafka's leader-epoch-checkpoint: a
// checkpoint file (EncodeCheckpointFile) of "epoch startOffset" lines.
func encodeEpochCheckpoint(entries []EpochEntry) []byte {
	lines := make([]string, len(entries))
	for i, e := range entries {
		lines[i] = fmt.Sprintf("%d %d", e.Epoch, e.StartOffset)
	}
	return EncodeCheckpointFile(lines)
}

// decodeEpochCheckpoint parses a leader-epoch-checkpoint file.
func decodeEpochCheckpoint(data []byte) ([]EpochEntry, error) {
	lines, err := DecodeCheckpointFile(data, maxEpochEntries)
	if err != nil {
		return nil, err
	}
	c := epochCache{}
	for i, l := range lines {
		var e EpochEntry
		if _, err := fmt.Sscanf(l, "%d %d", &e.Epoch, &e.StartOffset); err != nil {
			return nil, fmt.Errorf("entry %d %q: %v", i, l, err)
		}
		if l, ok := c.latest(); ok && (e.Epoch <= l.Epoch || e.StartOffset < l.StartOffset) {
			return nil, fmt.Errorf("entry %d (epoch %d at %d) does not follow epoch %d at %d", i, e.Epoch, e.StartOffset, l.Epoch, l.StartOffset)
		}
		c.entries = append(c.entries, e)
	}
	return c.entries, nil
}
