package group

import (
	"bytes"
	"time"
)

// member is one member of a group; joinReply and syncReply are set while its
// JoinGroup or SyncGroup waits for the rebalance to move on.
type member struct {
	id               string
	clientID         string
	clientHost       string
	protocolType     string
	protocols        []Protocol
	sessionTimeout   time.Duration
	rebalanceTimeout time.Duration
	assignment       []byte
	lastSeen         time.Time
	joinReply        func(JoinResult)
	syncReply        func(SyncResult)
}

func newMember(id string, now time.Time, req JoinRequest) *member {
	m := &member{id: id}
	m.update(now, req)
	return m
}

func (m *member) update(now time.Time, req JoinRequest) {
	m.clientID, m.clientHost = req.ClientID, req.ClientHost
	m.protocolType, m.protocols = req.ProtocolType, req.Protocols
	m.sessionTimeout, m.rebalanceTimeout = req.SessionTimeout, req.RebalanceTimeout
	m.lastSeen = now
}

// sameProtocols reports whether req asks for exactly what m already has.
func (m *member) sameProtocols(req JoinRequest) bool {
	if len(m.protocols) != len(req.Protocols) {
		return false
	}
	for i, p := range m.protocols {
		q := req.Protocols[i]
		if p.Name != q.Name || !bytes.Equal(p.Metadata, q.Metadata) {
			return false
		}
	}
	return true
}

func (m *member) metadata(protocol string) []byte {
	for _, p := range m.protocols {
		if p.Name == protocol {
			return p.Metadata
		}
	}
	return nil
}

func (m *member) supports(protocol string) bool {
	for _, p := range m.protocols {
		if p.Name == protocol {
			return true
		}
	}
	return false
}

// expired reports whether m's session ran out. A member whose JoinGroup or
// SyncGroup is waiting is alive: the waiting request is its heartbeat.
func (m *member) expired(now time.Time) bool {
	return m.joinReply == nil && m.syncReply == nil && now.Sub(m.lastSeen) > m.sessionTimeout
}
