package cluster

import (
	"encoding/json"
	"fmt"

	"github.com/twmb/franz-go/pkg/kerr"
)

// Command is one change to the State: a record of the replicated log.
// Applying a command is deterministic: the same command applied to equal
// States gives equal States and results on every node. Commands that need a
// random choice (a topic id) carry it, drawn by the proposer.
type Command interface {
	// Op is the command's name in its encoding ("createTopic").
	Op() string
	// apply validates the command against s and, only if it is valid,
	// changes s. A refused command leaves s unchanged.
	apply(s *State) (*Result, error)
}

// Result is what applying a command produced; which fields are set depends
// on the command.
type Result struct {
	// Topic is the topic as it is after CreateTopic, CreatePartitions,
	// AlterConfigs or DeleteTopic (a copy).
	Topic *Topic `json:"topic,omitempty"`
	// Partition is the partition after AlterPartition (a copy).
	Partition *Partition `json:"partition,omitempty"`
	// Partitions holds one outcome per partition for ElectLeaders and
	// Reassign.
	Partitions []PartitionResult `json:"partitions,omitempty"`
	// ProducerIDs is the block AllocateProducerIDs reserved.
	ProducerIDs *ProducerIDBlock `json:"producerIds,omitempty"`
	// Index is the raft index the command was applied at (set by the
	// Controller; 0 when applied to a bare State).
	Index uint64 `json:"index,omitempty"`
}

// PartitionResult is the outcome of a command for one partition.
type PartitionResult struct {
	TopicPartition
	// Err is nil on success.
	Err *Error `json:"error,omitempty"`
}

// Apply applies cmd to s. A refused command returns an *Error and leaves s
// unchanged.
func (s *State) Apply(cmd Command) (*Result, error) {
	if cmd == nil {
		return nil, errorf(kerr.InvalidRequest, "empty command")
	}
	if s.byID == nil {
		s.reindex()
	}
	return cmd.apply(s)
}

// commandVersion is the version of the command encoding.
const commandVersion = 1

type envelope struct {
	Op   string          `json:"op"`
	V    int             `json:"v"`
	Body json.RawMessage `json:"body"`
}

// commandTypes makes an empty command for each op, for decoding.
var commandTypes = map[string]func() Command{
	opRegisterBroker:   func() Command { return new(RegisterBroker) },
	opFenceBroker:      func() Command { return new(FenceBroker) },
	opUnfenceBroker:    func() Command { return new(UnfenceBroker) },
	opCreateTopic:      func() Command { return new(CreateTopic) },
	opDeleteTopic:      func() Command { return new(DeleteTopic) },
	opCreatePartitions: func() Command { return new(CreatePartitions) },
	opAlterConfigs:     func() Command { return new(AlterConfigs) },
	opAlterPartition:   func() Command { return new(AlterPartition) },
	opElectLeaders:     func() Command { return new(ElectLeaders) },
	opReassign:         func() Command { return new(Reassign) },

	opAllocateProducerIDs: func() Command { return new(AllocateProducerIDs) },
}

// EncodeCommand encodes cmd as a JSON record for the log.
func EncodeCommand(cmd Command) ([]byte, error) {
	if cmd == nil {
		return nil, fmt.Errorf("cluster: cannot encode an empty command")
	}
	body, err := json.Marshal(cmd)
	if err != nil {
		return nil, fmt.Errorf("cluster: encoding command %s: %w", cmd.Op(), err)
	}
	return json.Marshal(envelope{Op: cmd.Op(), V: commandVersion, Body: body})
}

// DecodeCommand decodes a record written by EncodeCommand. A record it
// cannot read is an error, never a panic.
func DecodeCommand(b []byte) (Command, error) {
	var env envelope
	if err := json.Unmarshal(b, &env); err != nil {
		return nil, fmt.Errorf("cluster: command record is not valid JSON: %v", err)
	}
	if env.V != commandVersion {
		return nil, fmt.Errorf("cluster: command record has version %d; this build reads version %d (upgrade this broker)", env.V, commandVersion)
	}
	mk, ok := commandTypes[env.Op]
	if !ok {
		return nil, fmt.Errorf("cluster: unknown command %q in the metadata log (upgrade this broker)", env.Op)
	}
	cmd := mk()
	if err := json.Unmarshal(env.Body, cmd); err != nil {
		return nil, fmt.Errorf("cluster: command %s is malformed: %v", env.Op, err)
	}
	return cmd, nil
}
