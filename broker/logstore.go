package broker

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	blog "github.com/spate-io/spate/broker/log"
	"github.com/twmb/franz-go/pkg/kerr"
)

// diskStore keeps one broker/log Log per partition in <dir>/<topic>-<n>/
// and runs the logs' maintenance (retention, flush.ms) on a ticker.
type diskStore struct {
	dir  string
	cfg  Config
	mu   sync.Mutex
	logs map[string]*diskLog
	stop chan struct{}
	done chan struct{}
}

// diskLog adapts a broker/log Log to partitionLog.
type diskLog struct{ l *blog.Log }

func openLogStore(dir string, cfg Config) (logStore, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("broker: creating log folder: %w", err)
	}
	s := &diskStore{dir: dir, cfg: cfg, logs: map[string]*diskLog{}, stop: make(chan struct{}), done: make(chan struct{})}
	go s.maintain()
	return s, nil
}

func partDir(topic string, partition int32) string {
	return topic + "-" + strconv.Itoa(int(partition))
}

func (s *diskStore) Open(topic string, partition int32, configs map[string]string) (partitionLog, error) {
	lc, err := logConfig(s.cfg, configs)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	name := partDir(topic, partition)
	if l := s.logs[name]; l != nil {
		return l, l.l.SetConfig(lc)
	}
	l, err := blog.Open(filepath.Join(s.dir, name), lc, blog.WithClock(s.cfg.Now), blog.WithLogger(s.cfg.Logger))
	if err != nil {
		return nil, err
	}
	dl := &diskLog{l: l}
	s.logs[name] = dl
	return dl, nil
}

// Delete closes the partition's log, renames its folder out of the way
// (so a crash mid-delete cannot resurrect it under its name) and removes it.
func (s *diskStore) Delete(topic string, partition int32) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := partDir(topic, partition)
	if l := s.logs[name]; l != nil {
		l.l.Close()
		delete(s.logs, name)
	}
	var suffix [8]byte
	rand.Read(suffix[:])
	from := filepath.Join(s.dir, name)
	to := filepath.Join(s.dir, name+"."+hex.EncodeToString(suffix[:])+"-delete")
	if err := os.Rename(from, to); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("broker: deleting %s: %w", name, err)
	}
	return os.RemoveAll(to)
}

func (s *diskStore) Close() error {
	close(s.stop)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for name, l := range s.logs {
		errs = append(errs, l.l.Close())
		delete(s.logs, name)
	}
	return errors.Join(errs...)
}

func (s *diskStore) maintain() {
	defer close(s.done)
	t := time.NewTicker(s.cfg.RetentionCheckInterval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
		s.mu.Lock()
		logs := make([]*diskLog, 0, len(s.logs))
		for _, l := range s.logs {
			logs = append(logs, l)
		}
		s.mu.Unlock()
		for _, l := range logs {
			if _, err := l.l.Maintain(); err != nil {
				s.cfg.Logger.Error("broker: log maintenance failed", "dir", l.l.Dir(), "err", err)
			}
		}
	}
}

// logConfig is the broker/log configuration of a topic: its overrides
// over the broker's defaults.
func logConfig(c Config, overrides map[string]string) (blog.Config, error) {
	v := c.topicConfigDefaults()
	for k, o := range overrides {
		v[k] = o
	}
	num := func(name string) int64 {
		n, _ := strconv.ParseInt(v[name], 10, 64)
		return n
	}
	lc := blog.Config{
		SegmentBytes: num("segment.bytes"), SegmentMs: num("segment.ms"),
		RetentionMs: num("retention.ms"), RetentionBytes: num("retention.bytes"),
		MaxMessageBytes: int32(min(num("max.message.bytes"), math.MaxInt32)),
	}
	if n := num("flush.messages"); n > 0 && n < math.MaxInt64 {
		lc.FlushMessages = n
	}
	if n := num("flush.ms"); n > 0 && n < math.MaxInt64 {
		lc.FlushInterval = time.Duration(n) * time.Millisecond
	}
	if v["message.timestamp.type"] == "LogAppendTime" {
		lc.TimestampType = blog.LogAppendTime
	}
	if err := lc.Validate(); err != nil {
		return lc, newTopicError(kerr.InvalidConfig, "%v", err)
	}
	return lc, nil
}

func (d *diskLog) Append(records []byte, _ time.Time) (appendResult, error) {
	r, err := d.l.Append(records, blog.AppendOptions{LeaderEpoch: 0})
	if err != nil {
		return appendResult{}, logError(err)
	}
	return appendResult{BaseOffset: r.BaseOffset, LastOffset: r.LastOffset, LogAppendTime: r.LogAppendTime, StartOffset: r.LogStartOffset}, nil
}

func (d *diskLog) Read(offset int64, maxBytes int32) ([]byte, error) {
	r, err := d.l.Read(offset, int(maxBytes))
	if err != nil {
		return nil, logError(err)
	}
	defer r.Close()
	if r.Size == 0 {
		return nil, nil
	}
	b, err := r.Bytes()
	if err != nil {
		return nil, logError(err)
	}
	return b, nil
}

func (d *diskLog) StartOffset() int64 { return d.l.LogStartOffset() }
func (d *diskLog) EndOffset() int64   { return d.l.LogEndOffset() }

func (d *diskLog) OffsetForTimestamp(ts int64) (int64, int64, error) {
	to, found, err := d.l.OffsetForTimestamp(ts)
	if err != nil {
		return -1, -1, logError(err)
	}
	if !found {
		return -1, -1, nil
	}
	return to.Offset, to.Timestamp, nil
}

// logError wraps a broker/log error with the Kafka error code it means,
// keeping its message for the client and the log.
func logError(err error) error {
	code := kerr.KafkaStorageError
	switch {
	case errors.Is(err, blog.ErrUnsupportedMagic):
		code = kerr.UnsupportedForMessageFormat
	case errors.Is(err, blog.ErrBatchTooLarge):
		code = kerr.MessageTooLarge
	case errors.Is(err, blog.ErrCorruptBatch):
		code = kerr.CorruptMessage
	case errors.Is(err, blog.ErrOutOfOrderSequence):
		code = kerr.OutOfOrderSequenceNumber
	case errors.Is(err, blog.ErrInvalidProducerEpoch):
		code = kerr.InvalidProducerEpoch
	case errors.Is(err, blog.ErrOffsetOutOfRange):
		code = kerr.OffsetOutOfRange
	case errors.Is(err, blog.ErrClosed):
		code = kerr.NotLeaderForPartition
	}
	return &topicError{code: code, msg: "broker: " + err.Error()}
}
