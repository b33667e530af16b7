package broker

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/twmb/franz-go/pkg/kerr"
)

// topic is one topic with its open partitions. Its fields other than parts
// and configs never change; parts and configs are replaced whole under
// topicRegistry.mu so readers holding a *topic see a consistent value.
type topic struct {
	name    string
	id      [16]byte
	parts   []*partition
	configs map[string]string // overrides only
}

// partition is one open partition log; appendMu serialises appends so that
// offsets are assigned in the order requests are processed.
type partition struct {
	topic    string
	index    int32
	appendMu sync.Mutex
	log      partitionLog
}

// topicRegistry holds every topic and persists changes to the metadata
// file before they become visible.
type topicRegistry struct {
	mu      sync.RWMutex
	dir     string
	store   logStore
	byName  map[string]*topic
	byID    map[[16]byte]*topic
	meta    metaState
	metaMu  sync.Mutex // serialises metadata rewrites
	nextPID int64      // next producer id to hand out, below meta.NextProducerID
}

// topicError is a Kafka error code with the sentence that explains it.
type topicError struct {
	code *kerr.Error
	msg  string
}

func (e *topicError) Error() string { return e.msg }

func newTopicError(code *kerr.Error, format string, args ...any) *topicError {
	return &topicError{code: code, msg: fmt.Sprintf("broker: "+format, args...)}
}

func openTopics(dir string, store logStore) (*topicRegistry, error) {
	m, err := loadMeta(dir)
	if err != nil {
		return nil, err
	}
	r := &topicRegistry{dir: dir, store: store, byName: map[string]*topic{}, byID: map[[16]byte]*topic{}, meta: m, nextPID: m.NextProducerID}
	for _, tm := range m.Topics {
		id, _ := parseTopicID(tm.ID)
		t := &topic{name: tm.Name, id: id, configs: tm.Configs}
		if err := r.openParts(t, 0, tm.Partitions); err != nil {
			return nil, err
		}
		r.byName[t.name], r.byID[id] = t, t
	}
	return r, nil
}

func (r *topicRegistry) openParts(t *topic, from, to int32) error {
	parts := slices.Clone(t.parts)
	for i := from; i < to; i++ {
		l, err := r.store.Open(t.name, i, t.configs)
		if err != nil {
			return fmt.Errorf("broker: opening partition %s-%d: %w", t.name, i, err)
		}
		parts = append(parts, &partition{topic: t.name, index: i, log: l})
	}
	t.parts = parts
	return nil
}

func (r *topicRegistry) get(name string) *topic {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.byName[name]
}

func (r *topicRegistry) getID(id [16]byte) *topic {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.byID[id]
}

// all returns the topics sorted by name.
func (r *topicRegistry) all() []*topic {
	r.mu.RLock()
	defer r.mu.RUnlock()
	ts := slices.Collect(maps.Values(r.byName))
	slices.SortFunc(ts, func(a, b *topic) int {
		if a.name < b.name {
			return -1
		}
		if a.name > b.name {
			return 1
		}
		return 0
	})
	return ts
}

func (r *topicRegistry) partition(name string, idx int32) *partition {
	t := r.get(name)
	if t == nil || idx < 0 || int(idx) >= len(t.parts) {
		return nil
	}
	return t.parts[idx]
}

// create makes a topic; validateOnly checks without creating.
func (r *topicRegistry) create(name string, parts int32, configs map[string]string, validateOnly bool) (*topic, error) {
	if err := validTopicName(name); err != nil {
		return nil, newTopicError(kerr.InvalidTopicException, "%v", err)
	}
	if parts < 1 {
		return nil, newTopicError(kerr.InvalidPartitions, "topic %s: %d partitions; a topic needs at least 1", name, parts)
	}
	if parts > 100000 {
		return nil, newTopicError(kerr.InvalidPartitions, "topic %s: %d partitions is more than this broker allows (100000)", name, parts)
	}
	for k, v := range configs {
		if err := validateTopicConfig(k, &v); err != nil {
			return nil, newTopicError(kerr.InvalidConfig, "topic %s: %v", name, err)
		}
	}
	r.metaMu.Lock()
	defer r.metaMu.Unlock()
	if r.get(name) != nil {
		return nil, newTopicError(kerr.TopicAlreadyExists, "topic %s already exists", name)
	}
	if validateOnly {
		return nil, nil
	}
	var id [16]byte
	rand.Read(id[:])
	t := &topic{name: name, id: id, configs: configs}
	if err := r.openParts(t, 0, parts); err != nil {
		return nil, newTopicError(kerr.KafkaStorageError, "%v", err)
	}
	m := r.meta
	m.Topics = append(slices.Clone(m.Topics), topicMeta{Name: name, ID: hex.EncodeToString(id[:]), Partitions: parts, Configs: configs})
	if err := r.saveLocked(m); err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.byName[name], r.byID[id] = t, t
	r.mu.Unlock()
	return t, nil
}

// delete removes a topic and its data.
func (r *topicRegistry) delete(name string) error {
	r.metaMu.Lock()
	defer r.metaMu.Unlock()
	t := r.get(name)
	if t == nil {
		return newTopicError(kerr.UnknownTopicOrPartition, "topic %s does not exist", name)
	}
	if name == offsetsTopic {
		return newTopicError(kerr.InvalidTopicException, "the internal topic %s cannot be deleted", name)
	}
	m := r.meta
	m.Topics = slices.DeleteFunc(slices.Clone(m.Topics), func(tm topicMeta) bool { return tm.Name == name })
	if err := r.saveLocked(m); err != nil {
		return err
	}
	r.mu.Lock()
	delete(r.byName, name)
	delete(r.byID, t.id)
	r.mu.Unlock()
	for _, p := range t.parts {
		if err := r.store.Delete(name, p.index); err != nil {
			return newTopicError(kerr.KafkaStorageError, "deleting %s-%d: %v", name, p.index, err)
		}
	}
	return nil
}

// grow raises a topic's partition count to count.
func (r *topicRegistry) grow(name string, count int32, validateOnly bool) error {
	r.metaMu.Lock()
	defer r.metaMu.Unlock()
	t := r.get(name)
	if t == nil {
		return newTopicError(kerr.UnknownTopicOrPartition, "topic %s does not exist", name)
	}
	have := int32(len(t.parts))
	if count <= have {
		return newTopicError(kerr.InvalidPartitions, "topic %s has %d partitions; the new count %d must be larger", name, have, count)
	}
	if count > 100000 {
		return newTopicError(kerr.InvalidPartitions, "topic %s: %d partitions is more than this broker allows (100000)", name, count)
	}
	if validateOnly {
		return nil
	}
	nt := &topic{name: t.name, id: t.id, parts: t.parts, configs: t.configs}
	if err := r.openParts(nt, have, count); err != nil {
		return newTopicError(kerr.KafkaStorageError, "%v", err)
	}
	m := r.meta
	m.Topics = slices.Clone(m.Topics)
	for i := range m.Topics {
		if m.Topics[i].Name == name {
			m.Topics[i].Partitions = count
		}
	}
	if err := r.saveLocked(m); err != nil {
		return err
	}
	r.replace(nt)
	return nil
}

// setConfigs replaces a topic's overrides with configs.
func (r *topicRegistry) setConfigs(name string, configs map[string]string) error {
	r.metaMu.Lock()
	defer r.metaMu.Unlock()
	t := r.get(name)
	if t == nil {
		return newTopicError(kerr.UnknownTopicOrPartition, "topic %s does not exist", name)
	}
	m := r.meta
	m.Topics = slices.Clone(m.Topics)
	for i := range m.Topics {
		if m.Topics[i].Name == name {
			m.Topics[i].Configs = configs
		}
	}
	if err := r.saveLocked(m); err != nil {
		return err
	}
	r.replace(&topic{name: t.name, id: t.id, parts: t.parts, configs: configs})
	for _, p := range t.parts {
		// Open on an open partition applies the new configuration.
		if _, err := r.store.Open(name, p.index, configs); err != nil {
			return newTopicError(kerr.InvalidConfig, "topic %s: applying configs: %v", name, err)
		}
	}
	return nil
}

func (r *topicRegistry) replace(t *topic) {
	r.mu.Lock()
	r.byName[t.name], r.byID[t.id] = t, t
	r.mu.Unlock()
}

// nextProducerID hands out a producer id never handed out before, also
// across restarts: ids come from blocks reserved in the metadata file.
func (r *topicRegistry) nextProducerID() (int64, error) {
	r.metaMu.Lock()
	defer r.metaMu.Unlock()
	if r.nextPID >= r.meta.NextProducerID {
		m := r.meta
		m.NextProducerID = r.nextPID + 1000
		if err := r.saveLocked(m); err != nil {
			return 0, err
		}
	}
	id := r.nextPID
	r.nextPID++
	return id, nil
}

func (r *topicRegistry) saveLocked(m metaState) error {
	if err := saveMeta(r.dir, m); err != nil {
		return newTopicError(kerr.KafkaStorageError, "%v", err)
	}
	r.meta = m
	return nil
}
