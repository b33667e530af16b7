package cluster

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
)

// TopicID is a topic's UUID, Kafka's topic id (KIP-516). The zero value
// means "no id" and is never assigned to a topic.
type TopicID [16]byte

// NewTopicID returns a random version-4 UUID. The proposer of CreateTopic
// draws it, so applying the command stays deterministic.
func NewTopicID() TopicID {
	var id TopicID
	_, _ = rand.Read(id[:]) // crypto/rand.Read never fails on supported platforms
	id[6] = id[6]&0x0f | 0x40
	id[8] = id[8]&0x3f | 0x80
	return id
}

// IsZero reports whether id is the zero "no id" value.
func (id TopicID) IsZero() bool { return id == TopicID{} }

// String returns the 32 lowercase hex digits of id.
func (id TopicID) String() string { return hex.EncodeToString(id[:]) }

// MarshalText encodes id as 32 hex digits.
func (id TopicID) MarshalText() ([]byte, error) { return []byte(id.String()), nil }

// UnmarshalText decodes 32 hex digits (dashes, as in a UUID, are allowed).
func (id *TopicID) UnmarshalText(b []byte) error {
	clean := make([]byte, 0, 32)
	for _, c := range b {
		if c != '-' {
			clean = append(clean, c)
		}
	}
	if len(clean) != 32 {
		return fmt.Errorf("cluster: topic id %q is not 32 hex digits", b)
	}
	if _, err := hex.Decode(id[:], clean); err != nil {
		return fmt.Errorf("cluster: topic id %q is not 32 hex digits", b)
	}
	return nil
}
