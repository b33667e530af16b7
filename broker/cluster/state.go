package cluster

import (
	"maps"
	"slices"
	"sort"
	"strconv"
)

// NoLeader is the Leader of a partition that has none (Kafka's -1): every
// in-sync replica is fenced and unclean election is off.
const NoLeader int32 = -1

// State is the replicated cluster metadata: the brokers and the topics with
// their partitions' replicas, leaders, epochs and ISRs. Every node holds the
// same State, built by applying the same commands in the same order.
//
// A State handed out by a Controller (Metadata) is a snapshot that is never
// modified afterwards: read it freely from any goroutine, never write it.
type State struct {
	// Brokers holds every broker ever registered, fenced or not.
	Brokers map[int32]*Broker `json:"brokers"`
	// Topics holds every topic by name.
	Topics map[string]*Topic `json:"topics"`
	// Index is the raft log index of the last command applied; 0 for a
	// State used outside raft.
	Index uint64 `json:"index"`
	// NextProducerID is above every producer id handed out in a block by
	// AllocateProducerIDs; 0 before the first block.
	NextProducerID int64 `json:"nextProducerId,omitempty"`

	byID map[TopicID]string // derived from Topics; rebuilt after decoding
}

// Broker is one registered broker.
type Broker struct {
	ID int32 `json:"id"`
	// KafkaAddr is the host:port Kafka clients connect to.
	KafkaAddr string `json:"kafkaAddr"`
	// GossipAddr is the memberlist host:port; RaftAddr the raft host:port
	// (which also serves forwarded commands).
	GossipAddr string `json:"gossipAddr,omitempty"`
	RaftAddr   string `json:"raftAddr,omitempty"`
	// Rack is the broker's rack (broker.rack), "" when unset.
	Rack string `json:"rack,omitempty"`
	// ControllerEligible brokers are raft voters; the others follow the
	// metadata as raft non-voters.
	ControllerEligible bool `json:"controllerEligible,omitempty"`
	// Incarnation identifies one run of the broker process (random per
	// start). A broker that comes back with a new incarnation is fenced
	// before it is unfenced, so it leads nothing until it has caught up
	// again, whatever it lost in the crash (Kafka's broker epoch).
	Incarnation uint64 `json:"incarnation,omitempty"`
	// Fenced brokers are considered dead: they lead nothing and are out of
	// every ISR they could leave.
	Fenced bool `json:"fenced,omitempty"`
}

// Topic is one topic.
type Topic struct {
	ID   TopicID `json:"id"`
	Name string  `json:"name"`
	// Configs holds the topic's config overrides (name -> value).
	Configs    map[string]string `json:"configs,omitempty"`
	Partitions []*Partition      `json:"partitions"`
}

// Partition is one partition's replica set and leadership.
//
// Invariants kept by Apply: Replicas has no duplicates; ISR is a non-empty
// subset of Replicas; Leader is NoLeader or a member of ISR; LeaderEpoch
// grows by one on every leader change; PartitionEpoch grows by one on every
// change of any field. While a reassignment runs (KIP-455), Replicas is the
// target replicas followed by the original ones not in the target, Adding
// is target minus original and Removing is original minus target.
type Partition struct {
	Replicas       []int32 `json:"replicas"`
	ISR            []int32 `json:"isr"`
	Leader         int32   `json:"leader"`
	LeaderEpoch    int32   `json:"leaderEpoch"`
	PartitionEpoch int32   `json:"partitionEpoch"`
	Adding         []int32 `json:"adding,omitempty"`
	Removing       []int32 `json:"removing,omitempty"`
}

// TopicPartition names one partition.
type TopicPartition struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
}

func (tp TopicPartition) String() string {
	return tp.Topic + "-" + strconv.Itoa(int(tp.Partition))
}

// NewState returns an empty State.
func NewState() *State {
	return &State{Brokers: map[int32]*Broker{}, Topics: map[string]*Topic{}, byID: map[TopicID]string{}}
}

// Topic returns the topic named name.
func (s *State) Topic(name string) (*Topic, bool) {
	t, ok := s.Topics[name]
	return t, ok
}

// TopicByID returns the topic with id.
func (s *State) TopicByID(id TopicID) (*Topic, bool) {
	name, ok := s.byID[id]
	if !ok {
		return nil, false
	}
	return s.Topic(name)
}

// Partition returns partition p of topic.
func (s *State) Partition(topic string, p int32) (*Partition, bool) {
	t, ok := s.Topics[topic]
	if !ok || p < 0 || int(p) >= len(t.Partitions) {
		return nil, false
	}
	return t.Partitions[p], true
}

// TopicNames returns the topic names in order.
func (s *State) TopicNames() []string {
	names := make([]string, 0, len(s.Topics))
	for n := range s.Topics {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// BrokerIDs returns the ids of every registered broker in order.
func (s *State) BrokerIDs() []int32 {
	ids := make([]int32, 0, len(s.Brokers))
	for id := range s.Brokers {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// LiveBrokers returns the unfenced brokers ordered by id.
func (s *State) LiveBrokers() []*Broker {
	var live []*Broker
	for _, id := range s.BrokerIDs() {
		if b := s.Brokers[id]; !b.Fenced {
			live = append(live, b)
		}
	}
	return live
}

// alive reports whether broker id is registered and unfenced.
func (s *State) alive(id int32) bool {
	b, ok := s.Brokers[id]
	return ok && !b.Fenced
}

// forEachPartition calls fn for every partition, topics in name order, so
// that anything fn decides is deterministic.
func (s *State) forEachPartition(fn func(t *Topic, index int32, p *Partition)) {
	for _, name := range s.TopicNames() {
		t := s.Topics[name]
		for i, p := range t.Partitions {
			fn(t, int32(i), p)
		}
	}
}

// Clone returns a deep copy of s.
func (s *State) Clone() *State { return s.cloneSharing(nil) }

// cloneSharing returns a deep copy of s that reuses, from prev (an earlier
// copy that nobody modifies; nil shares nothing), every topic whose
// content is unchanged, so that publishing after a change to one
// partition copies one topic, not the cluster. Unchanged is decided by
// comparing content, so no mutation can be missed.
func (s *State) cloneSharing(prev *State) *State {
	c := &State{
		Brokers: make(map[int32]*Broker, len(s.Brokers)),
		Topics:  make(map[string]*Topic, len(s.Topics)),
		Index:   s.Index,
		byID:    make(map[TopicID]string, len(s.Topics)),

		NextProducerID: s.NextProducerID,
	}
	for id, b := range s.Brokers {
		bc := *b
		c.Brokers[id] = &bc
	}
	var shared map[string]*Topic
	if prev != nil {
		shared = prev.Topics
	}
	for name, t := range s.Topics {
		if old, ok := shared[name]; ok && topicEqual(old, t) {
			c.Topics[name] = old
		} else {
			c.Topics[name] = t.clone()
		}
		c.byID[t.ID] = name
	}
	return c
}

func topicEqual(a, b *Topic) bool {
	if a.ID != b.ID || a.Name != b.Name || !maps.Equal(a.Configs, b.Configs) || len(a.Partitions) != len(b.Partitions) {
		return false
	}
	for i, p := range a.Partitions {
		if q := b.Partitions[i]; !samePartition(p, q) || p.PartitionEpoch != q.PartitionEpoch {
			return false
		}
	}
	return true
}

// reindex rebuilds the derived maps, after decoding.
func (s *State) reindex() {
	if s.Brokers == nil {
		s.Brokers = map[int32]*Broker{}
	}
	if s.Topics == nil {
		s.Topics = map[string]*Topic{}
	}
	s.byID = make(map[TopicID]string, len(s.Topics))
	for name, t := range s.Topics {
		if t != nil { // check reports nil entries of a decoded State
			s.byID[t.ID] = name
		}
	}
}

func (t *Topic) clone() *Topic {
	c := &Topic{ID: t.ID, Name: t.Name, Partitions: make([]*Partition, len(t.Partitions))}
	if t.Configs != nil {
		c.Configs = make(map[string]string, len(t.Configs))
		for k, v := range t.Configs {
			c.Configs[k] = v
		}
	}
	for i, p := range t.Partitions {
		c.Partitions[i] = p.Clone()
	}
	return c
}

// Clone returns a deep copy of p.
func (p *Partition) Clone() *Partition {
	c := *p
	c.Replicas = slices.Clone(p.Replicas)
	c.ISR = slices.Clone(p.ISR)
	c.Adding = slices.Clone(p.Adding)
	c.Removing = slices.Clone(p.Removing)
	return &c
}

// Reassigning reports whether a reassignment of p is in progress.
func (p *Partition) Reassigning() bool { return len(p.Adding) > 0 || len(p.Removing) > 0 }

// TargetReplicas returns the replicas p will have when its reassignment
// completes: Replicas minus Removing (Replicas when none runs).
func (p *Partition) TargetReplicas() []int32 { return without(p.Replicas, p.Removing) }

// PreferredLeader is the first target replica.
func (p *Partition) PreferredLeader() int32 {
	if t := p.TargetReplicas(); len(t) > 0 {
		return t[0]
	}
	return NoLeader
}

// InISR reports whether broker id is in p's ISR.
func (p *Partition) InISR(id int32) bool { return slices.Contains(p.ISR, id) }

// Config returns the topic's override of name.
func (t *Topic) Config(name string) (string, bool) {
	v, ok := t.Configs[name]
	return v, ok
}

// uncleanElection reports whether the topic allows electing a leader from
// outside the ISR (unclean.leader.election.enable, default false).
func (t *Topic) uncleanElection() bool {
	v, _ := t.Config(ConfigUncleanLeaderElection)
	b, err := strconv.ParseBool(v)
	return err == nil && b
}

// Topic configs the cluster itself reads.
const (
	ConfigUncleanLeaderElection = "unclean.leader.election.enable"
	ConfigMinInsyncReplicas     = "min.insync.replicas"
)

// without returns the members of a not in b, in a's order.
func without(a, b []int32) []int32 {
	out := make([]int32, 0, len(a))
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// intersect returns the members of a also in b, in a's order.
func intersect(a, b []int32) []int32 {
	out := make([]int32, 0, len(a))
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// hasDuplicates reports whether ids repeats a broker id.
func hasDuplicates(ids []int32) bool {
	seen := make(map[int32]bool, len(ids))
	for _, id := range ids {
		if seen[id] {
			return true
		}
		seen[id] = true
	}
	return false
}
