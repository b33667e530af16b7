package broker

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/spate-io/spate/broker/cluster"
	blog "github.com/spate-io/spate/broker/log"
	"github.com/twmb/franz-go/pkg/kerr"
)

// logStore is the broker's partition logs on disk: a broker/log Manager
// over <DataDir>/logs (which locks the folder against a second broker),
// with retention and flush.ms applied every RetentionCheckInterval.
type logStore struct {
	m    *blog.Manager
	cfg  Config
	stop func()
}

func openLogStore(dir string, cfg Config) (*logStore, error) {
	defaults, err := logConfig(cfg, nil)
	if err != nil {
		return nil, err
	}
	m, err := blog.OpenManager(dir, defaults, blog.WithClock(cfg.Now), blog.WithLogger(cfg.Logger))
	if err != nil {
		return nil, fmt.Errorf("broker: opening the partition logs: %w", err)
	}
	return &logStore{m: m, cfg: cfg, stop: m.StartMaintenance(cfg.RetentionCheckInterval)}, nil
}

// open opens (creating if need be) a partition's log with the topic's
// config overrides applied.
func (s *logStore) open(tp cluster.TopicPartition, overrides map[string]string) (*blog.Log, error) {
	lc, err := logConfig(s.cfg, overrides)
	if err != nil {
		return nil, err
	}
	l, err := s.m.Create(tp.Topic, tp.Partition, lc)
	if err != nil {
		return nil, fmt.Errorf("broker: opening partition %s: %w", tp, err)
	}
	return l, nil
}

// reconfigure applies a topic's changed overrides to an open log.
func (s *logStore) reconfigure(l *blog.Log, overrides map[string]string) error {
	lc, err := logConfig(s.cfg, overrides)
	if err != nil {
		return err
	}
	return l.SetConfig(lc)
}

// remove closes a partition's log and deletes its folder.
func (s *logStore) remove(tp cluster.TopicPartition) error {
	if err := s.m.Delete(tp.Topic, tp.Partition); err != nil {
		return fmt.Errorf("broker: deleting partition %s: %w", tp, err)
	}
	return nil
}

// onDisk lists the partitions that have a folder.
func (s *logStore) onDisk() []cluster.TopicPartition {
	var out []cluster.TopicPartition
	for _, tp := range s.m.Partitions() {
		out = append(out, cluster.TopicPartition{Topic: tp.Topic, Partition: tp.Partition})
	}
	return out
}

func (s *logStore) close() error {
	s.stop()
	return s.m.Close()
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
	// cleanup.policy and the cleaner's keys: compact topics (among them
	// __consumer_offsets) keep the latest record per key forever instead
	// of losing quiet keys to retention.
	if err := lc.ApplyTopicConfigs(v); err != nil {
		return lc, newTopicError(kerr.InvalidConfig, "%v", err)
	}
	if err := lc.Validate(); err != nil {
		return lc, newTopicError(kerr.InvalidConfig, "%v", err)
	}
	return lc, nil
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
	case errors.Is(err, blog.ErrInvalidRecord):
		code = kerr.InvalidRecord
	case errors.Is(err, blog.ErrClosed):
		code = kerr.NotLeaderForPartition
	}
	return &topicError{code: code, msg: "broker: " + err.Error()}
}
