package kafka

import (
	"time"
)

// DefaultBroker is where a source connects when Brokers is not set: the
// embedded broker of `spate dev`.
const DefaultBroker = "127.0.0.1:9092"

// Options is a Kafka source as it appears in the serialized plan. Every
// field round-trips through JSON; the builder methods of Source set them and
// Validate checks them. Offsets follow Spark's convention: -2 is the
// earliest offset of a partition, -1 the latest.
type Options struct {
	// Subscribe lists the topics read; every partition of them, including
	// partitions added later. Exactly one of Subscribe, SubscribePattern and
	// Assign is set.
	Subscribe []string `json:"subscribe,omitempty"`
	// SubscribePattern is a Go regular expression (RE2) matched against
	// whole topic names; it is evaluated again at every batch, so topics
	// created later are picked up. Internal topics (names starting "__")
	// never match.
	SubscribePattern string `json:"subscribePattern,omitempty"`
	// Assign lists the exact partitions read, per topic.
	Assign map[string][]int32 `json:"assign,omitempty"`

	// Brokers is the bootstrap list. The default is 127.0.0.1:9092.
	Brokers []string `json:"brokers,omitempty"`

	// StartingOffsets is where a new query starts: "earliest", "latest"
	// or Spark's offsets JSON ({"clicks":{"0":23,"1":-2}}, -2 earliest,
	// -1 latest), which must name every partition read. It applies only
	// to a query without a checkpoint. The default is "latest", Spark's
	// default for streaming queries.
	StartingOffsets string `json:"startingOffsets,omitempty"`
	// StartingTimestamp starts every partition at its first record with a
	// timestamp at or after this Unix millisecond time. Nil means unset.
	StartingTimestamp *int64 `json:"startingTimestamp,omitempty"`
	// StartingOffsetsByTimestamp is StartingTimestamp per partition, in
	// Unix milliseconds; it must name every partition read.
	StartingOffsetsByTimestamp map[string]map[int32]int64 `json:"startingOffsetsByTimestamp,omitempty"`
	// StartingTimestampStrategy decides what happens when a partition has
	// no record at or after the starting timestamp: "error" fails the
	// query (Spark's default), "latest" starts it at its latest offset.
	// The default is "error".
	StartingTimestampStrategy string `json:"startingOffsetsByTimestampStrategy,omitempty"`

	// MaxOffsetsPerTrigger caps the offsets of one batch over all
	// partitions. The default 0 means no cap.
	MaxOffsetsPerTrigger int64 `json:"maxOffsetsPerTrigger,omitempty"`
	// MinOffsetsPerTrigger delays a batch until this many offsets are
	// available or MaxTriggerDelay has passed. The default 0 means no
	// minimum.
	MinOffsetsPerTrigger int64 `json:"minOffsetsPerTrigger,omitempty"`
	// MaxTriggerDelay bounds the delay MinOffsetsPerTrigger may cause. The
	// default (zero, with a minimum set) is 15 minutes, Spark's.
	MaxTriggerDelay Duration `json:"maxTriggerDelay,omitempty"`
	// MinPartitions is the least number of tasks a batch is split into.
	// The default 0 means one task per Kafka partition.
	MinPartitions int `json:"minPartitions,omitempty"`

	// FailOnDataLoss fails the query when offsets it should read are gone
	// (aged out by retention, deleted with DeleteRecords, a deleted topic
	// or partition). When false the lost offsets are skipped, counted and
	// logged. The default is true.
	FailOnDataLoss bool `json:"failOnDataLoss"`
	// IncludeHeaders adds the headers column. The default is false.
	IncludeHeaders bool `json:"includeHeaders,omitempty"`
	// GroupID is the consumer group the driver commits each batch's end
	// offsets to, so that lag tools (`spate lag`, kadm.Lag) see the query.
	// The default is "spate-<query name>".
	GroupID string `json:"groupId,omitempty"`
	// ClientID is the Kafka client id of the source's connections, shown
	// in broker logs and quotas. The default is "spate".
	ClientID string `json:"clientId,omitempty"`

	// RequestTimeout bounds each request to the brokers (offset listing,
	// commits, one fetch), dialing included. The default is 30 seconds.
	RequestTimeout Duration `json:"requestTimeout,omitempty"`
	// PollTimeout bounds how long reading a range may go without progress
	// (no new offsets read) before it fails, as Spark's
	// kafkaConsumer.pollTimeoutMs. The default is 2 minutes.
	PollTimeout Duration `json:"pollTimeout,omitempty"`
}

// Defaults of the options that have one.
const (
	defaultStartingOffsets = "latest"
	defaultClientID        = "spate"
	defaultRequestTimeout  = 30 * time.Second
	defaultPollTimeout     = 2 * time.Minute
	defaultGroupPrefix     = "spate-"
)

// defaultOptions is the zero configuration; JSON decoding starts from it so
// that an omitted failOnDataLoss means true.
func defaultOptions() Options {
	return Options{FailOnDataLoss: true}
}

// brokers is Brokers or the default.
func (o *Options) brokers() []string {
	if len(o.Brokers) == 0 {
		return []string{DefaultBroker}
	}
	return o.Brokers
}

func (o *Options) startingOffsets() string {
	if o.StartingOffsets == "" {
		return defaultStartingOffsets
	}
	return o.StartingOffsets
}

func (o *Options) clientID() string {
	if o.ClientID == "" {
		return defaultClientID
	}
	return o.ClientID
}

func (o *Options) requestTimeout() time.Duration {
	if o.RequestTimeout <= 0 {
		return defaultRequestTimeout
	}
	return time.Duration(o.RequestTimeout)
}

func (o *Options) pollTimeout() time.Duration {
	if o.PollTimeout <= 0 {
		return defaultPollTimeout
	}
	return time.Duration(o.PollTimeout)
}

// clone deep-copies the options so that builder methods never share maps or
// slices between sources.
func (o Options) clone() Options {
	c := o
	c.Subscribe = append([]string(nil), o.Subscribe...)
	c.Brokers = append([]string(nil), o.Brokers...)
	if o.Assign != nil {
		c.Assign = make(map[string][]int32, len(o.Assign))
		for t, ps := range o.Assign {
			c.Assign[t] = append([]int32(nil), ps...)
		}
	}
	if o.StartingTimestamp != nil {
		ts := *o.StartingTimestamp
		c.StartingTimestamp = &ts
	}
	if o.StartingOffsetsByTimestamp != nil {
		c.StartingOffsetsByTimestamp = make(map[string]map[int32]int64, len(o.StartingOffsetsByTimestamp))
		for t, ps := range o.StartingOffsetsByTimestamp {
			m := make(map[int32]int64, len(ps))
			for p, ts := range ps {
				m[p] = ts
			}
			c.StartingOffsetsByTimestamp[t] = m
		}
	}
	return c
}
