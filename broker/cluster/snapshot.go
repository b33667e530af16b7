package cluster

import (
	"encoding/json"
	"fmt"
	"slices"
)

// stateVersion is the version of the snapshot encoding.
const stateVersion = 1

type stateFile struct {
	V     int    `json:"v"`
	State *State `json:"state"`
}

// EncodeState encodes s for a snapshot. The encoding is deterministic
// (encoding/json sorts map keys), so equal States encode to equal bytes.
func EncodeState(s *State) ([]byte, error) {
	b, err := json.Marshal(stateFile{V: stateVersion, State: s})
	if err != nil {
		return nil, fmt.Errorf("cluster: encoding metadata snapshot: %w", err)
	}
	return b, nil
}

// DecodeState decodes a snapshot written by EncodeState and checks the
// invariants every other function relies on, so a damaged snapshot is an
// error here rather than a panic later.
func DecodeState(b []byte) (*State, error) {
	var f stateFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("cluster: metadata snapshot is not valid JSON: %v", err)
	}
	if f.V != stateVersion {
		return nil, fmt.Errorf("cluster: metadata snapshot has version %d; this build reads version %d", f.V, stateVersion)
	}
	s := f.State
	if s == nil {
		return nil, fmt.Errorf("cluster: metadata snapshot holds no state")
	}
	s.reindex()
	if err := s.check(); err != nil {
		return nil, fmt.Errorf("cluster: metadata snapshot is inconsistent: %w", err)
	}
	return s, nil
}

// check verifies the structural invariants of s.
func (s *State) check() error {
	for id, b := range s.Brokers {
		if b == nil || b.ID != id {
			return fmt.Errorf("broker entry %d is empty or has another id", id)
		}
	}
	for name, t := range s.Topics {
		if t == nil || t.Name != name || t.ID.IsZero() || len(t.Partitions) == 0 {
			return fmt.Errorf("topic entry %q is empty, misnamed, has no id or no partitions", name)
		}
		for i, p := range t.Partitions {
			if err := p.check(); err != nil {
				return fmt.Errorf("partition %s: %w", TopicPartition{name, int32(i)}, err)
			}
		}
	}
	if s.NextProducerID < 0 {
		return fmt.Errorf("next producer id %d is negative", s.NextProducerID)
	}
	if len(s.byID) != len(s.Topics) {
		return fmt.Errorf("two topics share an id")
	}
	return nil
}

func (p *Partition) check() error {
	switch {
	case p == nil:
		return fmt.Errorf("empty entry")
	case len(p.Replicas) == 0 || hasDuplicates(p.Replicas):
		return fmt.Errorf("replicas %v are empty or repeat a broker", p.Replicas)
	case len(p.ISR) == 0 || hasDuplicates(p.ISR) || len(without(p.ISR, p.Replicas)) > 0:
		return fmt.Errorf("ISR %v is empty, repeats a broker or is not within the replicas %v", p.ISR, p.Replicas)
	case p.Leader != NoLeader && !slices.Contains(p.ISR, p.Leader):
		return fmt.Errorf("leader %d is not in the ISR %v", p.Leader, p.ISR)
	case len(without(p.Adding, p.Replicas)) > 0 || len(without(p.Removing, p.Replicas)) > 0:
		return fmt.Errorf("adding %v or removing %v replicas are not within the replicas %v", p.Adding, p.Removing, p.Replicas)
	}
	return nil
}
