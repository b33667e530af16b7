package group

import (
	"crypto/rand"
	"encoding/hex"
	"time"
)

// State is a group's place in the rebalance protocol.
type State int8

// The group states, as Kafka names them in DescribeGroups and ListGroups.
const (
	Empty State = iota
	PreparingRebalance
	CompletingRebalance
	Stable
	Dead
)

func (s State) String() string {
	switch s {
	case Empty:
		return "Empty"
	case PreparingRebalance:
		return "PreparingRebalance"
	case CompletingRebalance:
		return "CompletingRebalance"
	case Stable:
		return "Stable"
	case Dead:
		return "Dead"
	}
	return "Unknown"
}

// Config tunes a group's timers; zero fields take their defaults.
type Config struct {
	// InitialRebalanceDelay is how long the first rebalance of an empty
	// group waits for more members (group.initial.rebalance.delay.ms).
	// Default 0 here; the broker passes its own default of 3s.
	InitialRebalanceDelay time.Duration
	// MinSessionTimeout and MaxSessionTimeout bound a member's session
	// timeout. Defaults 6s and 30m, Kafka's.
	MinSessionTimeout time.Duration
	MaxSessionTimeout time.Duration
	// NewMemberID names a new member. Default: clientID + "-" + 16 random
	// hex digits, like Kafka's clientId-UUID.
	NewMemberID func(clientID string) string
}

func (c Config) withDefaults() Config {
	if c.MinSessionTimeout == 0 {
		c.MinSessionTimeout = 6 * time.Second
	}
	if c.MaxSessionTimeout == 0 {
		c.MaxSessionTimeout = 30 * time.Minute
	}
	if c.NewMemberID == nil {
		c.NewMemberID = randomMemberID
	}
	return c
}

func randomMemberID(clientID string) string {
	var b [8]byte
	rand.Read(b[:])
	return clientID + "-" + hex.EncodeToString(b[:])
}

// Protocol is one assignment protocol a member supports, with its metadata.
type Protocol struct {
	Name     string
	Metadata []byte
}

// JoinRequest is a JoinGroup request of one member.
type JoinRequest struct {
	MemberID   string // "" for a new member
	ClientID   string
	ClientHost string
	// ProtocolType is "consumer" for Kafka consumers.
	ProtocolType     string
	Protocols        []Protocol // in the member's order of preference
	SessionTimeout   time.Duration
	RebalanceTimeout time.Duration
	// RequireKnownMemberID (JoinGroup v4+, KIP-394): a new member is first
	// given its id with MEMBER_ID_REQUIRED and must join again with it.
	RequireKnownMemberID bool
}

// JoinMember is one member as the leader sees it in its JoinGroup response.
type JoinMember struct {
	MemberID string
	Metadata []byte
}

// JoinResult answers a JoinGroup request.
type JoinResult struct {
	ErrorCode    int16
	Generation   int32
	ProtocolType string
	Protocol     string
	LeaderID     string
	MemberID     string
	Members      []JoinMember // the leader's only
}

// SyncRequest is a SyncGroup request; only the leader sends Assignments.
type SyncRequest struct {
	MemberID     string
	Generation   int32
	ProtocolType *string // v5+; nil when not sent
	Protocol     *string
	Assignments  map[string][]byte
}

// SyncResult answers a SyncGroup request.
type SyncResult struct {
	ErrorCode    int16
	ProtocolType string
	Protocol     string
	Assignment   []byte
}

// MemberDescription is one member in DescribeGroups.
type MemberDescription struct {
	MemberID   string
	ClientID   string
	ClientHost string
	Metadata   []byte // for the chosen protocol
	Assignment []byte
}

// Description is the group in DescribeGroups.
type Description struct {
	State        State
	ProtocolType string
	Protocol     string
	Generation   int32
	Members      []MemberDescription
}
