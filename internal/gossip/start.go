package gossip

import (
	"encoding/json"
	"fmt"
	"log"
	"net"
	"strconv"
	"time"

	"github.com/hashicorp/memberlist"
)

// Config configures Start. The timing fields are memberlist's; zero keeps
// the value of memberlist.DefaultLANConfig.
type Config struct {
	// Name is the node's name, unique among the members. Required.
	Name string
	// Bind is the host:port of UDP and TCP gossip; port 0 picks a free
	// port. Required.
	Bind string
	// Meta is what the node tells the others about itself, encoded as
	// JSON; at most memberlist.MetaMaxSize (512) bytes once encoded.
	Meta any

	// ProbeInterval is how often a random member is probed, ProbeTimeout
	// how long a probe waits for its ack. Defaults 1s and 500ms.
	ProbeInterval, ProbeTimeout time.Duration
	// SuspicionMult scales how long a suspected member has to refute it
	// before it is declared dead. Default 4.
	SuspicionMult int
	// GossipInterval is how often gossip messages go out, PushPullInterval
	// how often a full state sync with a random member runs. Defaults
	// 200ms and 30s.
	GossipInterval, PushPullInterval time.Duration
	// TCPTimeout bounds a TCP connection of a push-pull or a probe's
	// fallback. Default 10s.
	TCPTimeout time.Duration

	// Events receives joins, leaves (graceful, or dead after suspicion) and
	// meta updates. Default none.
	Events memberlist.EventDelegate
	// Logger receives memberlist's "[LEVEL] memberlist: ..." lines.
	// Default memberlist's own (standard error).
	Logger *log.Logger
}

// Start binds a memberlist node. It advertises the address it binds, and
// a process that restarts (on this address or another) takes its name
// back as soon as its earlier incarnation is declared dead: a name is one
// process's identity, and two live ones with one name are a configuration
// error the caller's protocol could not survive anyway.
func Start(c Config) (*memberlist.Memberlist, error) {
	host, portStr, err := net.SplitHostPort(c.Bind)
	if err != nil {
		return nil, fmt.Errorf("gossip address %q is not host:port", c.Bind)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		return nil, fmt.Errorf("gossip address %q has no numeric port", c.Bind)
	}
	meta, err := json.Marshal(c.Meta)
	if err != nil {
		return nil, fmt.Errorf("encoding node meta: %w", err)
	}
	if len(meta) > memberlist.MetaMaxSize {
		return nil, fmt.Errorf("node meta is %d bytes, over memberlist's %d; shorten the addresses or names it holds", len(meta), memberlist.MetaMaxSize)
	}
	mc := memberlist.DefaultLANConfig()
	mc.Name = c.Name
	mc.BindAddr, mc.BindPort, mc.AdvertisePort = host, port, 0
	setIfPositive(&mc.ProbeInterval, c.ProbeInterval)
	setIfPositive(&mc.ProbeTimeout, c.ProbeTimeout)
	setIfPositive(&mc.SuspicionMult, c.SuspicionMult)
	setIfPositive(&mc.GossipInterval, c.GossipInterval)
	setIfPositive(&mc.PushPullInterval, c.PushPullInterval)
	setIfPositive(&mc.TCPTimeout, c.TCPTimeout)
	mc.DeadNodeReclaimTime = time.Nanosecond
	mc.Delegate = metaDelegate{meta: meta}
	mc.Events = c.Events
	if c.Logger != nil {
		mc.Logger = c.Logger
	}
	ml, err := memberlist.Create(mc)
	if err != nil {
		return nil, fmt.Errorf("starting gossip on %s: %w", c.Bind, err)
	}
	return ml, nil
}

func setIfPositive[T time.Duration | int](dst *T, v T) {
	if v > 0 {
		*dst = v
	}
}
