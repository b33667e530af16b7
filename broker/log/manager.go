package log

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// deleteDirSuffix marks a partition folder being deleted (Kafka's
// "<topic>-<partition>.<uuid>-delete").
const deleteDirSuffix = "-delete"

// TopicPartition names a partition.
type TopicPartition struct {
	Topic     string
	Partition int32
}

func (tp TopicPartition) String() string { return tp.Topic + "-" + strconv.Itoa(int(tp.Partition)) }

// Manager owns a data folder holding many partitions, one folder each named
// <topic>-<partition>. It is safe for concurrent use.
type Manager struct {
	dir      string
	defaults Config
	opts     []Option
	logger   *slog.Logger

	lock *os.File // holds the data folder's lock

	mu   sync.Mutex
	logs map[TopicPartition]*Log
}

// OpenManager opens (creating if needed) a data folder and every partition
// in it, with the defaults configuration; the broker then applies each
// topic's configuration with Log.SetConfig. Folders left by an interrupted
// deletion are removed.
func OpenManager(dir string, defaults Config, opts ...Option) (*Manager, error) {
	if err := defaults.Validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("log: create data folder: %w", err)
	}
	o := options{logger: slog.Default()}
	for _, opt := range opts {
		opt(&o)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	m := &Manager{dir: dir, defaults: defaults, opts: opts, logger: o.logger, lock: lock, logs: map[TopicPartition]*Log{}}
	ents, err := os.ReadDir(dir)
	if err != nil {
		m.Close()
		return nil, fmt.Errorf("log: read data folder: %w", err)
	}
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		if strings.HasSuffix(e.Name(), deleteDirSuffix) {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				m.Close()
				return nil, fmt.Errorf("log: remove deleted partition %s: %w", e.Name(), err)
			}
			continue
		}
		tp, ok := ParsePartitionDir(e.Name())
		if !ok {
			continue
		}
		l, err := Open(filepath.Join(dir, e.Name()), defaults, opts...)
		if err != nil {
			m.Close()
			return nil, fmt.Errorf("log: open partition %s: %w", tp, err)
		}
		m.logs[tp] = l
	}
	return m, nil
}

// ParsePartitionDir parses "<topic>-<partition>"; the topic may itself
// contain dashes.
func ParsePartitionDir(name string) (TopicPartition, bool) {
	i := strings.LastIndexByte(name, '-')
	if i <= 0 {
		return TopicPartition{}, false
	}
	p, err := strconv.ParseInt(name[i+1:], 10, 32)
	if err != nil || p < 0 || ValidateTopic(name[:i]) != nil {
		return TopicPartition{}, false
	}
	return TopicPartition{Topic: name[:i], Partition: int32(p)}, true
}

// ValidateTopic checks a topic name as Kafka does: 1 to 249 characters of
// ASCII letters, digits, '.', '_' and '-', and not "." or "..".
func ValidateTopic(topic string) error {
	if topic == "" || topic == "." || topic == ".." || len(topic) > 249 {
		return fmt.Errorf("log: topic name %q is invalid: use 1 to 249 characters, not \".\" or \"..\"", topic)
	}
	for _, c := range topic {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return fmt.Errorf("log: topic name %q has the character %q; use ASCII letters, digits, '.', '_' and '-'", topic, c)
		}
	}
	return nil
}

// Dir is the data folder.
func (m *Manager) Dir() string { return m.dir }

// Create opens the partition's log, creating it if it does not exist, and
// applies cfg; its zero fields take the Manager's defaults (cfg.Over).
func (m *Manager) Create(topic string, partition int32, cfg Config) (*Log, error) {
	if err := ValidateTopic(topic); err != nil {
		return nil, err
	}
	if partition < 0 {
		return nil, fmt.Errorf("log: partition %d of topic %s is negative", partition, topic)
	}
	cfg = cfg.Over(m.defaults)
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	tp := TopicPartition{Topic: topic, Partition: partition}
	m.mu.Lock()
	defer m.mu.Unlock()
	if l, ok := m.logs[tp]; ok {
		return l, l.SetConfig(cfg)
	}
	l, err := Open(filepath.Join(m.dir, tp.String()), cfg, m.opts...)
	if err != nil {
		return nil, fmt.Errorf("log: open partition %s: %w", tp, err)
	}
	m.logs[tp] = l
	return l, nil
}

// Get returns an open partition's log, nil if there is none.
func (m *Manager) Get(topic string, partition int32) *Log {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.logs[TopicPartition{Topic: topic, Partition: partition}]
}

// Partitions lists the open partitions, sorted.
func (m *Manager) Partitions() []TopicPartition {
	m.mu.Lock()
	defer m.mu.Unlock()
	tps := make([]TopicPartition, 0, len(m.logs))
	for tp := range m.logs {
		tps = append(tps, tp)
	}
	slices.SortFunc(tps, func(a, b TopicPartition) int {
		if c := strings.Compare(a.Topic, b.Topic); c != 0 {
			return c
		}
		return int(a.Partition - b.Partition)
	})
	return tps
}

// Delete closes a partition's log and removes its folder: first renamed to
// "<name>.<random>-delete" (atomic: a crash leaves a folder the next
// OpenManager removes), then deleted. Deleting an absent partition is a
// no-op. Readers holding results keep their files until they close them.
func (m *Manager) Delete(topic string, partition int32) error {
	tp := TopicPartition{Topic: topic, Partition: partition}
	m.mu.Lock()
	l, ok := m.logs[tp]
	delete(m.logs, tp)
	m.mu.Unlock()
	if !ok {
		return nil
	}
	if err := l.Close(); err != nil {
		m.logger.Warn("log: closing a deleted partition failed", "partition", tp.String(), "err", err)
	}
	var rnd [16]byte
	_, _ = rand.Read(rnd[:])
	gone := filepath.Join(m.dir, tp.String()+"."+hex.EncodeToString(rnd[:])+deleteDirSuffix)
	if err := os.Rename(l.Dir(), gone); err != nil {
		return fmt.Errorf("log: delete partition %s: %w", tp, err)
	}
	if err := syncDir(m.dir); err != nil {
		return err
	}
	if err := os.RemoveAll(gone); err != nil {
		return fmt.Errorf("log: delete partition %s: %w", tp, err)
	}
	return nil
}

// Maintain runs one maintenance pass over every partition (retention,
// compaction, flush.ms, idle producers) and returns the first error, after
// trying all.
func (m *Manager) Maintain() error {
	m.mu.Lock()
	logs := make([]*Log, 0, len(m.logs))
	for _, l := range m.logs {
		logs = append(logs, l)
	}
	m.mu.Unlock()
	var first error
	for _, l := range logs {
		if _, err := l.Maintain(); err != nil {
			m.logger.Error("log: maintenance failed", "dir", l.Dir(), "err", err)
			if first == nil {
				first = err
			}
		}
	}
	return first
}

// StartMaintenance runs Maintain every interval in a goroutine until the
// returned stop function is called (stop waits for a pass in progress).
func (m *Manager) StartMaintenance(interval time.Duration) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				_ = m.Maintain()
			}
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { close(done); wg.Wait() }) }
}

// Close closes every partition cleanly and releases the data folder.
func (m *Manager) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	var first error
	for tp, l := range m.logs {
		if err := l.Close(); err != nil && first == nil {
			first = fmt.Errorf("log: close partition %s: %w", tp, err)
		}
		delete(m.logs, tp)
	}
	if m.lock != nil {
		m.lock.Close()
		m.lock = nil
	}
	return first
}
