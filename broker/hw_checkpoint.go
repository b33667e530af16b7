package broker

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/spate-io/spate/broker/cluster"
	blog "github.com/spate-io/spate/broker/log"
)

// The high watermarks of the partitions are written every few seconds and
// at shutdown to <DataDir>/replication-offset-checkpoint (Kafka's file and
// format), so that a broker that restarts, and perhaps becomes a leader at
// once, serves consumers what was committed before instead of nothing
// until its followers have fetched again. A checkpoint behind the truth is
// harmless: the high watermark only moves up from it.

const hwCheckpointFile = "replication-offset-checkpoint"

// encodeHWCheckpoint writes Kafka's checkpoint format
// (blog.EncodeCheckpointFile) of "topic partition offset" lines.
func encodeHWCheckpoint(hws map[cluster.TopicPartition]int64) []byte {
	tps := make([]cluster.TopicPartition, 0, len(hws))
	for tp := range hws {
		tps = append(tps, tp)
	}
	sort.Slice(tps, func(i, j int) bool {
		if tps[i].Topic != tps[j].Topic {
			return tps[i].Topic < tps[j].Topic
		}
		return tps[i].Partition < tps[j].Partition
	})
	lines := make([]string, len(tps))
	for i, tp := range tps {
		lines[i] = fmt.Sprintf("%s %d %d", tp.Topic, tp.Partition, hws[tp])
	}
	return blog.EncodeCheckpointFile(lines)
}

// decodeHWCheckpoint reads the format back; a damaged file is an error
// (the caller starts from no checkpoint, which is safe).
func decodeHWCheckpoint(data []byte) (map[cluster.TopicPartition]int64, error) {
	lines, err := blog.DecodeCheckpointFile(data, math.MaxInt)
	if err != nil {
		return nil, fmt.Errorf("broker: %s: %w", hwCheckpointFile, err)
	}
	out := make(map[cluster.TopicPartition]int64, len(lines))
	for i, l := range lines {
		f := strings.Fields(l)
		if len(f) != 3 {
			return nil, fmt.Errorf("broker: %s: entry %d of %d is %q, not \"topic partition offset\"", hwCheckpointFile, i+1, len(lines), l)
		}
		p, err1 := strconv.ParseInt(f[1], 10, 32)
		off, err2 := strconv.ParseInt(f[2], 10, 64)
		if err1 != nil || err2 != nil || p < 0 || off < 0 || validTopicName(f[0]) != nil {
			return nil, fmt.Errorf("broker: %s: entry %q is malformed", hwCheckpointFile, l)
		}
		out[cluster.TopicPartition{Topic: f[0], Partition: int32(p)}] = off
	}
	return out, nil
}

// loadHWCheckpoint reads the checkpoint; none or a damaged one is empty.
// It first removes the temp files of saves a crash cut short (no save has
// started yet).
func (rm *replicaManager) loadHWCheckpoint() map[cluster.TopicPartition]int64 {
	if err := removeTemps(rm.b.cfg.DataDir, hwCheckpointFile); err != nil {
		rm.b.log.Warn("broker: removing what an interrupted high watermark checkpoint left", "err", err)
	}
	data, err := os.ReadFile(filepath.Join(rm.b.cfg.DataDir, hwCheckpointFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	var hws map[cluster.TopicPartition]int64
	if err == nil {
		hws, err = decodeHWCheckpoint(data)
	}
	if err != nil {
		rm.b.log.Warn("broker: ignoring the high watermark checkpoint", "err", err)
	}
	return hws
}

// saveHWCheckpoint writes the high watermark of every local partition.
func (rm *replicaManager) saveHWCheckpoint() {
	rm.mu.RLock()
	hws := make(map[cluster.TopicPartition]int64, len(rm.parts))
	for tp, p := range rm.parts {
		hws[tp] = p.highWatermark()
	}
	rm.mu.RUnlock()
	if err := writeFileAtomic(filepath.Join(rm.b.cfg.DataDir, hwCheckpointFile), encodeHWCheckpoint(hws)); err != nil {
		rm.b.log.Warn("broker: writing the high watermark checkpoint", "err", err)
	}
}
