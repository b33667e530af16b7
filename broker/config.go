package broker

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"
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
		c.SegmentBytes = 1 << 30
	}
	if c.SegmentAge == 0 {
		c.SegmentAge = 7 * 24 * time.Hour
	}
	if c.RetentionAge == 0 {
		c.RetentionAge = 7 * 24 * time.Hour
	}
	if c.RetentionBytes == 0 {
		c.RetentionBytes = -1
	}
	if c.RetentionCheckInterval == 0 {
		c.RetentionCheckInterval = 5 * time.Minute
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
