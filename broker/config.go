package broker

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/spate-io/spate/broker/cluster"
	blog "github.com/spate-io/spate/broker/log"
)

// Config configures one broker node. The zero value of a field means its
// default, stated in the field's comment; call Validate (New does) to check it.
type Config struct {
	// NodeID is the broker's id in metadata (Kafka's node.id). Default 1.
	NodeID int32
	// DataDir holds the partition logs and the broker's metadata. Required.
	DataDir string
	// Listen is the TCP address to accept clients on; port 0 picks a free
	// port (see Broker.Addr). Default "127.0.0.1:9092".
	Listen string
	// AdvertisedAddr is the host:port clients are told to connect to in
	// Metadata. Default: the address actually listened on.
	AdvertisedAddr string
	// ClusterID is returned in Metadata and DescribeCluster. Default "spate".
	ClusterID string

	// Cluster settings. A broker with neither GossipAddr nor Seeds runs
	// alone: it is its own controller and every partition has one
	// replica, with its metadata in <DataDir>/cluster/metadata.json. With
	// either, it is a member of a cluster: it gossips on GossipAddr,
	// joins through Seeds and holds the metadata through raft in
	// <DataDir>/cluster/.
	Cluster ClusterConfig

	// DefaultReplicationFactor is the replication factor of auto-created
	// topics and of CreateTopics with ReplicationFactor -1
	// (default.replication.factor). Default 1.
	DefaultReplicationFactor int16
	// OffsetsTopicReplicationFactor is the replication factor of
	// __consumer_offsets (offsets.topic.replication.factor). Until that
	// many brokers are alive the topic is not created and groups answer
	// COORDINATOR_NOT_AVAILABLE, as Kafka does. Default 3 in a cluster,
	// 1 for a broker running alone.
	OffsetsTopicReplicationFactor int16
	// MinInsyncReplicas is min.insync.replicas of topics that do not set
	// it: acks=all writes are refused with NOT_ENOUGH_REPLICAS while a
	// partition has fewer in-sync replicas. Default 1.
	MinInsyncReplicas int
	// ReplicaLagTimeMax is how long an in-sync follower may fail to catch
	// up before its leader drops it from the ISR (replica.lag.time.max.ms).
	// Default 30s.
	ReplicaLagTimeMax time.Duration
	// ReplicaFetchWaitMax is how long a follower's fetch waits at the
	// leader for new data (replica.fetch.wait.max.ms). Default 500ms.
	ReplicaFetchWaitMax time.Duration
	// ReplicaFetchMaxBytes is the most a follower asks for per fetch and
	// per partition (replica.fetch.response.max.bytes,
	// replica.fetch.max.bytes). Defaults 10 MiB and 1 MiB.
	ReplicaFetchMaxBytes          int32
	ReplicaFetchPartitionMaxBytes int32

	// MaxRequestBytes is the largest request frame accepted; a bigger frame
	// closes the connection, as Kafka does (socket.request.max.bytes).
	// Default 100 MiB.
	MaxRequestBytes int32
	// MaxInFlightPerConn bounds how many requests of one connection may be
	// decoded and waiting for their response at once; the reader stops
	// reading while it is reached. Default 64.
	MaxInFlightPerConn int

	// AutoCreateTopics creates a topic on first Metadata or Produce naming
	// it (auto.create.topics.enable). Default true; set DisableAutoCreate
	// to turn it off.
	DisableAutoCreate bool
	// DefaultPartitions is the partition count of auto-created topics and
	// of CreateTopics with NumPartitions -1 (num.partitions). Default 1.
	DefaultPartitions int32

	// OffsetsTopicPartitions is the partition count of the internal
	// __consumer_offsets topic (offsets.topic.num.partitions), fixed when the
	// topic is first created. Default 50.
	OffsetsTopicPartitions int32
	// GroupInitialRebalanceDelay delays the first rebalance of an empty
	// group so that members starting together join one generation
	// (group.initial.rebalance.delay.ms). Default 3s; tests use a few ms.
	// A negative value means no delay.
	GroupInitialRebalanceDelay time.Duration
	// GroupMinSessionTimeout and GroupMaxSessionTimeout bound the session
	// timeout a member may ask for (group.min/max.session.timeout.ms).
	// Defaults 6s and 30m.
	GroupMinSessionTimeout time.Duration
	GroupMaxSessionTimeout time.Duration

	// SegmentBytes, SegmentAge, RetentionAge, RetentionBytes, FlushMessages and
	// FlushInterval are the log defaults of topics that do not override
	// them (segment.bytes 1 GiB, segment.ms 7d, retention.ms 7d,
	// retention.bytes -1 unlimited, flush.messages and flush.ms: leave
	// flushing to the OS, fsync on roll and close).
	SegmentBytes   int64
	SegmentAge     time.Duration
	RetentionAge   time.Duration
	RetentionBytes int64
	FlushMessages  int64
	FlushInterval  time.Duration

	// RetentionCheckInterval is how often retention and flush.ms are
	// applied to every partition (log.retention.check.interval.ms).
	// Default 5m.
	RetentionCheckInterval time.Duration

	// Logger receives the broker's log lines. Default slog.Default().
	Logger *slog.Logger
	// Now is the clock of group timeouts and log retention. Default time.Now;
	// tests inject one.
	Now func() time.Time
}

// Defaults used when a Config field is zero.
const (
	DefaultListen            = "127.0.0.1:9092"
	DefaultMaxRequestBytes   = 100 << 20
	DefaultOffsetsPartitions = 50
	offsetsTopic             = "__consumer_offsets"
)

// ClusterConfig is the part of Config that makes a broker a cluster member.
type ClusterConfig struct {
	// GossipAddr is the memberlist address (TCP and UDP); port 0 picks a
	// free port. Default: none (run alone) unless Seeds are given, then
	// the Listen host with port 0.
	GossipAddr string
	// Seeds are gossip addresses of running members to join. The first
	// broker of a cluster has none. Default none.
	Seeds []string
	// RaftAddr is the TCP address of raft and forwarded controller
	// commands. Default: the gossip host with port 0 (it is gossiped, so
	// any free port works).
	RaftAddr string
	// Controller decides whether this broker is controller-eligible (a
	// raft voter): ControllerAuto (the default) lets the controller make
	// the first three brokers voters and the others non-voters.
	Controller ControllerRole
	// Rack is the broker's rack (broker.rack) for rack-aware replica
	// assignment. Default "".
	Rack string
	// Timing sets failure detection and election timeouts. Default
	// cluster.DefaultTiming() (failover under 3 s); cluster.FastTiming()
	// is under 1 s on a quiet machine.
	Timing cluster.Timing
	// DisableAutoLeaderRebalance turns off the periodic preferred leader
	// election (auto.leader.rebalance.enable=false). Default: enabled.
	DisableAutoLeaderRebalance bool
	// LeaderImbalancePercentage and LeaderImbalanceCheckInterval are
	// leader.imbalance.per.broker.percentage (default 10) and
	// leader.imbalance.check.interval.seconds (default 300s).
	LeaderImbalancePercentage    int
	LeaderImbalanceCheckInterval time.Duration
}

// ControllerRole says whether a broker may be the cluster's controller.
type ControllerRole int8

const (
	// ControllerAuto: a voter if among the first three brokers to join.
	ControllerAuto ControllerRole = iota
	// ControllerEligible: always a raft voter.
	ControllerEligible
	// ControllerNever: a raft non-voter; it follows the metadata only.
	ControllerNever
)

// clustered reports whether the broker is a cluster member rather than alone.
func (c Config) clustered() bool { return c.Cluster.GossipAddr != "" || len(c.Cluster.Seeds) > 0 }

// withDefaults returns a copy of c with every zero field set to its default.
func (c Config) withDefaults() Config {
	if c.NodeID == 0 {
		c.NodeID = 1
	}
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	if c.ClusterID == "" {
		c.ClusterID = "spate"
	}
	if c.MaxRequestBytes == 0 {
		c.MaxRequestBytes = DefaultMaxRequestBytes
	}
	if c.MaxInFlightPerConn == 0 {
		c.MaxInFlightPerConn = 64
	}
	if c.DefaultPartitions == 0 {
		c.DefaultPartitions = 1
	}
	if c.OffsetsTopicPartitions == 0 {
		c.OffsetsTopicPartitions = DefaultOffsetsPartitions
	}
	if c.GroupInitialRebalanceDelay == 0 {
		c.GroupInitialRebalanceDelay = 3 * time.Second
	}
	if c.GroupInitialRebalanceDelay < 0 {
		c.GroupInitialRebalanceDelay = 0
	}
	if c.GroupMinSessionTimeout == 0 {
		c.GroupMinSessionTimeout = 6 * time.Second
	}
	if c.GroupMaxSessionTimeout == 0 {
		c.GroupMaxSessionTimeout = 30 * time.Minute
	}
	if c.SegmentBytes == 0 {
		c.SegmentBytes = blog.DefaultSegmentBytes
	}
	if c.SegmentAge == 0 {
		c.SegmentAge = blog.DefaultSegmentMs * time.Millisecond
	}
	if c.RetentionAge == 0 {
		c.RetentionAge = blog.DefaultRetentionMs * time.Millisecond
	}
	if c.RetentionBytes == 0 {
		c.RetentionBytes = -1
	}
	if c.RetentionCheckInterval == 0 {
		c.RetentionCheckInterval = 5 * time.Minute
	}
	if c.DefaultReplicationFactor == 0 {
		c.DefaultReplicationFactor = 1
	}
	if c.OffsetsTopicReplicationFactor == 0 {
		c.OffsetsTopicReplicationFactor = 3
	}
	if !c.clustered() {
		c.OffsetsTopicReplicationFactor = 1
	}
	if c.MinInsyncReplicas == 0 {
		c.MinInsyncReplicas = 1
	}
	if c.ReplicaLagTimeMax == 0 {
		c.ReplicaLagTimeMax = cluster.DefaultReplicaLagTimeMax
	}
	if c.ReplicaFetchWaitMax == 0 {
		c.ReplicaFetchWaitMax = 500 * time.Millisecond
	}
	if c.ReplicaFetchMaxBytes == 0 {
		c.ReplicaFetchMaxBytes = 10 << 20
	}
	if c.ReplicaFetchPartitionMaxBytes == 0 {
		c.ReplicaFetchPartitionMaxBytes = 1 << 20
	}
	if c.clustered() && c.Cluster.GossipAddr == "" {
		host, _, _ := net.SplitHostPort(c.Listen)
		c.Cluster.GossipAddr = net.JoinHostPort(host, "0")
	}
	if c.clustered() && c.Cluster.RaftAddr == "" {
		host, _, _ := net.SplitHostPort(c.Cluster.GossipAddr)
		c.Cluster.RaftAddr = net.JoinHostPort(host, "0")
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Validate reports the first problem with c, in a sentence that says what to
// change. Zero fields are fine: they take their defaults.
func (c Config) Validate() error {
	d := c.withDefaults()
	switch {
	case d.DataDir == "":
		return errors.New("broker: config: DataDir is required (the folder for the partition logs)")
	case d.NodeID < 0:
		return fmt.Errorf("broker: config: NodeID %d is negative; node ids are 0 or more", d.NodeID)
	case d.MaxRequestBytes < 1024:
		return fmt.Errorf("broker: config: MaxRequestBytes %d is below 1024; clients could not even send ApiVersions", d.MaxRequestBytes)
	case d.MaxInFlightPerConn < 1:
		return fmt.Errorf("broker: config: MaxInFlightPerConn %d must be at least 1", d.MaxInFlightPerConn)
	case d.DefaultPartitions < 1:
		return fmt.Errorf("broker: config: DefaultPartitions %d must be at least 1", d.DefaultPartitions)
	case d.OffsetsTopicPartitions < 1:
		return fmt.Errorf("broker: config: OffsetsTopicPartitions %d must be at least 1", d.OffsetsTopicPartitions)
	case d.GroupMinSessionTimeout > d.GroupMaxSessionTimeout:
		return fmt.Errorf("broker: config: GroupMinSessionTimeout %v is above GroupMaxSessionTimeout %v", d.GroupMinSessionTimeout, d.GroupMaxSessionTimeout)
	case d.SegmentBytes < 1024:
		return fmt.Errorf("broker: config: SegmentBytes %d is below 1024", d.SegmentBytes)
	case d.DefaultReplicationFactor < 1:
		return fmt.Errorf("broker: config: DefaultReplicationFactor %d must be at least 1", d.DefaultReplicationFactor)
	case d.MinInsyncReplicas < 1:
		return fmt.Errorf("broker: config: MinInsyncReplicas %d must be at least 1", d.MinInsyncReplicas)
	case d.OffsetsTopicReplicationFactor < 1:
		return fmt.Errorf("broker: config: OffsetsTopicReplicationFactor %d must be at least 1", d.OffsetsTopicReplicationFactor)
	case d.ReplicaLagTimeMax < 0 || d.ReplicaFetchWaitMax < 0:
		return fmt.Errorf("broker: config: ReplicaLagTimeMax %v and ReplicaFetchWaitMax %v must not be negative", d.ReplicaLagTimeMax, d.ReplicaFetchWaitMax)
	case d.ReplicaFetchMaxBytes < 1024 || d.ReplicaFetchPartitionMaxBytes < 1024:
		return fmt.Errorf("broker: config: ReplicaFetchMaxBytes %d and ReplicaFetchPartitionMaxBytes %d must be at least 1024", d.ReplicaFetchMaxBytes, d.ReplicaFetchPartitionMaxBytes)
	case d.Cluster.Controller < ControllerAuto || d.Cluster.Controller > ControllerNever:
		return fmt.Errorf("broker: config: Cluster.Controller %d is not ControllerAuto, ControllerEligible or ControllerNever", d.Cluster.Controller)
	case d.Cluster.Controller == ControllerNever && len(d.Cluster.Seeds) == 0 && d.clustered():
		return errors.New("broker: config: a broker that is never controller cannot start a cluster; give Cluster.Seeds to join one")
	}
	if _, _, err := net.SplitHostPort(d.Listen); err != nil {
		return fmt.Errorf("broker: config: Listen %q is not host:port: %v", d.Listen, err)
	}
	if d.AdvertisedAddr != "" {
		if _, _, err := net.SplitHostPort(d.AdvertisedAddr); err != nil {
			return fmt.Errorf("broker: config: AdvertisedAddr %q is not host:port: %v", d.AdvertisedAddr, err)
		}
	}
	return nil
}
