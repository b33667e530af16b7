package cluster

import (
	"fmt"
	"slices"

	"github.com/twmb/franz-go/pkg/kerr"
)

const (
	opCreateTopic      = "createTopic"
	opDeleteTopic      = "deleteTopic"
	opCreatePartitions = "createPartitions"
	opAlterConfigs     = "alterConfigs"
)

// MaxPartitions bounds the partition count of one topic, so that a typo in
// a request cannot make every node allocate without end.
const MaxPartitions = 1 << 20

// CreateTopic creates a topic. Either Assignment lists the replicas of
// every partition, or Partitions and ReplicationFactor ask the state
// machine to assign them over the live brokers (AssignReplicas, started at
// a point derived from ID). The ISR starts as the live replicas and the
// first of them leads.
type CreateTopic struct {
	ID                TopicID           `json:"id"`
	Name              string            `json:"name"`
	Partitions        int32             `json:"partitions,omitempty"`
	ReplicationFactor int16             `json:"replicationFactor,omitempty"`
	Assignment        [][]int32         `json:"assignment,omitempty"`
	Configs           map[string]string `json:"configs,omitempty"`
}

// DeleteTopic deletes a topic by name.
type DeleteTopic struct {
	Name string `json:"name"`
}

// CreatePartitions grows a topic to Count partitions. Assignment, if set,
// lists the replicas of each new partition; otherwise they are assigned like
// the topic's first ones, continuing Kafka's round-robin.
type CreatePartitions struct {
	Topic      string    `json:"topic"`
	Count      int32     `json:"count"`
	Assignment [][]int32 `json:"assignment,omitempty"`
}

// AlterConfigs sets and deletes a topic's config overrides (the
// incremental form; a plain AlterConfigs is Delete of everything plus Set).
// Values are checked by the broker before proposing, against its known
// configs; the state machine checks only what it reads itself.
type AlterConfigs struct {
	Topic  string            `json:"topic"`
	Set    map[string]string `json:"set,omitempty"`
	Delete []string          `json:"delete,omitempty"`
}

func (*CreateTopic) Op() string      { return opCreateTopic }
func (*DeleteTopic) Op() string      { return opDeleteTopic }
func (*CreatePartitions) Op() string { return opCreatePartitions }
func (*AlterConfigs) Op() string     { return opAlterConfigs }

func (c *CreateTopic) apply(s *State) (*Result, error) {
	if err := validTopicName(c.Name); err != nil {
		return nil, err
	}
	if _, ok := s.Topics[c.Name]; ok {
		return nil, errorf(kerr.TopicAlreadyExists, "topic %q already exists", c.Name)
	}
	if c.ID.IsZero() {
		return nil, errorf(kerr.InvalidRequest, "topic %q has no id; the proposer draws one with NewTopicID", c.Name)
	}
	if _, ok := s.byID[c.ID]; ok {
		return nil, errorf(kerr.InvalidRequest, "topic id %s is already used by topic %q", c.ID, s.byID[c.ID])
	}
	if err := validConfigs(c.Configs); err != nil {
		return nil, err
	}
	assignment := c.Assignment
	if assignment == nil {
		if c.Partitions < 1 || c.Partitions > MaxPartitions {
			return nil, errorf(kerr.InvalidPartitions, "topic %q: partition count %d must be between 1 and %d", c.Name, c.Partitions, MaxPartitions)
		}
		start, shift := seedFor(c.ID)
		var err error
		assignment, err = AssignReplicas(AssignInput{Brokers: liveBrokerList(s), Partitions: c.Partitions, ReplicationFactor: c.ReplicationFactor, StartIndex: start, ReplicaShift: shift})
		if err != nil {
			return nil, err
		}
	}
	parts, err := newPartitions(s, c.Name, 0, assignment)
	if err != nil {
		return nil, err
	}
	t := &Topic{ID: c.ID, Name: c.Name, Configs: cloneConfigs(c.Configs), Partitions: parts}
	s.Topics[c.Name] = t
	s.byID[c.ID] = c.Name
	return &Result{Topic: t.clone()}, nil
}

func (c *DeleteTopic) apply(s *State) (*Result, error) {
	t, ok := s.Topics[c.Name]
	if !ok {
		return nil, errorf(kerr.UnknownTopicOrPartition, "topic %q does not exist", c.Name)
	}
	delete(s.Topics, c.Name)
	delete(s.byID, t.ID)
	return &Result{Topic: t.clone()}, nil
}

func (c *CreatePartitions) apply(s *State) (*Result, error) {
	t, ok := s.Topics[c.Topic]
	if !ok {
		return nil, errorf(kerr.UnknownTopicOrPartition, "topic %q does not exist", c.Topic)
	}
	have := int32(len(t.Partitions))
	if c.Count <= have || c.Count > MaxPartitions {
		return nil, errorf(kerr.InvalidPartitions, "topic %q has %d partitions; the new count %d must be more than that and at most %d", c.Topic, have, c.Count, MaxPartitions)
	}
	assignment := c.Assignment
	if assignment == nil {
		var err error
		if assignment, err = continueAssignment(s, t, c.Count-have); err != nil {
			return nil, err
		}
	} else if int32(len(assignment)) != c.Count-have {
		return nil, errorf(kerr.InvalidReplicaAssignment, "topic %q: %d new partitions need %d replica lists, got %d", c.Topic, c.Count-have, c.Count-have, len(assignment))
	}
	parts, err := newPartitions(s, c.Topic, have, assignment)
	if err != nil {
		return nil, err
	}
	t.Partitions = append(t.Partitions, parts...)
	return &Result{Topic: t.clone()}, nil
}

func (c *AlterConfigs) apply(s *State) (*Result, error) {
	t, ok := s.Topics[c.Topic]
	if !ok {
		return nil, errorf(kerr.UnknownTopicOrPartition, "topic %q does not exist", c.Topic)
	}
	if err := validConfigs(c.Set); err != nil {
		return nil, err
	}
	for _, k := range c.Delete {
		if k == "" {
			return nil, errorf(kerr.InvalidConfig, "topic %q: a config name to delete is empty", c.Topic)
		}
	}
	if t.Configs == nil {
		t.Configs = map[string]string{}
	}
	for _, k := range c.Delete {
		delete(t.Configs, k)
	}
	for k, v := range c.Set {
		t.Configs[k] = v
	}
	// Turning unclean election on elects leaders where none could be.
	if t.uncleanElection() {
		for _, p := range t.Partitions {
			if p.Leader == NoLeader {
				changePartition(p, func(p *Partition) { electLeader(p, s.alive, true) })
			}
		}
	}
	return &Result{Topic: t.clone()}, nil
}

// continueAssignment assigns n new partitions of t as Kafka does when
// partitions are added: the round-robin continues from the broker that
// leads partition 0 with the same replication factor.
func continueAssignment(s *State, t *Topic, n int32) ([][]int32, error) {
	live := liveBrokerList(s)
	rf := int16(len(t.Partitions[0].TargetReplicas()))
	arranged, _ := rackAlternated(live)
	start := slices.Index(arranged, t.Partitions[0].PreferredLeader())
	if start < 0 {
		start, _ = seedFor(t.ID)
	}
	return AssignReplicas(AssignInput{Brokers: live, Partitions: n, FirstPartition: int32(len(t.Partitions)), ReplicationFactor: rf, StartIndex: start, ReplicaShift: start})
}

// newPartitions builds partitions numbered from first for assignment,
// checking each replica list: non-empty, no duplicate, every broker
// registered, at least one alive to lead.
func newPartitions(s *State, topic string, first int32, assignment [][]int32) ([]*Partition, error) {
	if len(assignment) == 0 || len(assignment) > MaxPartitions {
		return nil, errorf(kerr.InvalidReplicaAssignment, "topic %q: the assignment lists %d partitions; give between 1 and %d", topic, len(assignment), MaxPartitions)
	}
	parts := make([]*Partition, len(assignment))
	for i, replicas := range assignment {
		tp := TopicPartition{topic, first + int32(i)}
		if err := validReplicaList(s, tp, replicas); err != nil {
			return nil, err
		}
		isr := slices.DeleteFunc(slices.Clone(replicas), func(id int32) bool { return !s.alive(id) })
		if len(isr) == 0 {
			return nil, errorf(kerr.InvalidReplicaAssignment, "partition %s: none of its replicas (%s) is alive", tp, joinIDs(replicas))
		}
		parts[i] = &Partition{Replicas: slices.Clone(replicas), ISR: isr, Leader: isr[0]}
	}
	return parts, nil
}

func validReplicaList(s *State, tp TopicPartition, replicas []int32) error {
	if len(replicas) == 0 {
		return errorf(kerr.InvalidReplicaAssignment, "partition %s has an empty replica list", tp)
	}
	if hasDuplicates(replicas) {
		return errorf(kerr.InvalidReplicaAssignment, "partition %s lists a broker twice in its replicas (%v)", tp, replicas)
	}
	for _, id := range replicas {
		if _, ok := s.Brokers[id]; !ok {
			return errorf(kerr.InvalidReplicaAssignment, "partition %s names broker %d, which is not registered (brokers: %s)", tp, id, joinIDs(s.BrokerIDs()))
		}
	}
	return nil
}

func liveBrokerList(s *State) []Broker {
	live := s.LiveBrokers()
	out := make([]Broker, len(live))
	for i, b := range live {
		out[i] = *b
	}
	return out
}

func validConfigs(m map[string]string) error {
	for k := range m {
		if k == "" {
			return errorf(kerr.InvalidConfig, "a config name is empty")
		}
	}
	return nil
}

func cloneConfigs(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// validTopicName applies Kafka's rules: 1 to 249 of [a-zA-Z0-9._-], not "."
// or "..".
func validTopicName(name string) error {
	switch {
	case name == "":
		return errorf(kerr.InvalidTopicException, "topic name is empty")
	case len(name) > 249:
		return errorf(kerr.InvalidTopicException, "topic name is %d characters, more than 249", len(name))
	case name == "." || name == "..":
		return errorf(kerr.InvalidTopicException, "topic name %q is not allowed", name)
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return errorf(kerr.InvalidTopicException, "topic name %q has %s; use only letters, digits, '.', '_' and '-'", name, fmt.Sprintf("%q", r))
		}
	}
	return nil
}
