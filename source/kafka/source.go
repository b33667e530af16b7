package kafka

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spate-io/spate/engine"
)

// Kind is the source's name in plans and in the engine's registry.
const Kind = "kafka"

func init() {
	engine.RegisterSource(Kind, func(options json.RawMessage) (engine.Source, error) {
		return Decode(options)
	})
}

// Source is a Kafka streaming source, built with Subscribe,
// SubscribePattern or Assign and chained options. Every method returns a new
// Source; none changes its receiver, so a Source can be shared and reused.
// Mistakes are reported by Validate, which OpenStream and OpenReader call.
type Source struct {
	opts Options
	// queryName is set by the driver through WithQueryName; it names the
	// default consumer group and is not part of the plan.
	queryName string
}

var _ engine.StreamSource = (*Source)(nil)

// Subscribe reads every partition of the named topics, including
// partitions added while the query runs.
func Subscribe(topics ...string) *Source {
	o := defaultOptions()
	o.Subscribe = append([]string(nil), topics...)
	return &Source{opts: o}
}

// SubscribePattern reads every topic whose whole name matches the Go
// regular expression, re-evaluated at every batch so that new topics are
// picked up. Internal topics (names starting "__") never match.
func SubscribePattern(regex string) *Source {
	o := defaultOptions()
	o.SubscribePattern = regex
	return &Source{opts: o}
}

// Assign reads exactly the given partitions of each topic.
func Assign(partitions map[string][]int32) *Source {
	o := defaultOptions()
	o.Assign = map[string][]int32{}
	for t, ps := range partitions {
		o.Assign[t] = append([]int32(nil), ps...)
	}
	return &Source{opts: o}
}

// FromOptions builds a source from its options, validated.
func FromOptions(o Options) (*Source, error) {
	s := &Source{opts: o.clone()}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}

// Decode rebuilds a source from its options JSON (the plan's form). Unknown
// fields are errors, so a misspelt option in a plan file is not ignored.
func Decode(options json.RawMessage) (*Source, error) {
	o := defaultOptions()
	dec := json.NewDecoder(bytes.NewReader(options))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&o); err != nil {
		return nil, fmt.Errorf("kafka: options %s: %w", options, err)
	}
	return FromOptions(o)
}

// with returns a copy of s changed by fn.
func (s *Source) with(fn func(o *Options)) *Source {
	c := &Source{opts: s.opts.clone(), queryName: s.queryName}
	fn(&c.opts)
	return c
}

// Brokers sets the bootstrap brokers. The default is 127.0.0.1:9092.
func (s *Source) Brokers(addrs ...string) *Source {
	return s.with(func(o *Options) { o.Brokers = append([]string(nil), addrs...) })
}

// StartingOffsets sets where a new query starts: Earliest, Latest (the
// default) or OffsetsJSON / SpecificOffsets. A restarted query continues
// from its checkpoint instead.
func (s *Source) StartingOffsets(start StartOffsets) *Source {
	return s.with(func(o *Options) { o.StartingOffsets = string(start) })
}

// StartingTimestamp starts every partition at its first record stamped at
// or after t.
func (s *Source) StartingTimestamp(t time.Time) *Source {
	ms := t.UnixMilli()
	return s.with(func(o *Options) { o.StartingTimestamp = &ms })
}

// StartingTimestamps is StartingTimestamp per partition; it must name every
// partition the source reads.
func (s *Source) StartingTimestamps(ts map[string]map[int32]time.Time) *Source {
	ms := make(map[string]map[int32]int64, len(ts))
	for t, ps := range ts {
		ms[t] = make(map[int32]int64, len(ps))
		for p, at := range ps {
			ms[t][p] = at.UnixMilli()
		}
	}
	return s.with(func(o *Options) { o.StartingOffsetsByTimestamp = ms })
}

// TimestampStrategy says what a starting timestamp does for a partition
// without any record at or after it.
type TimestampStrategy string

// The timestamp strategies, Spark's startingOffsetsByTimestampStrategy.
const (
	strategyError  = "error"
	strategyLatest = "latest"
	// TimestampError fails the query. It is the default.
	TimestampError TimestampStrategy = strategyError
	// TimestampLatest starts such a partition at its latest offset.
	TimestampLatest TimestampStrategy = strategyLatest
)

// StartingTimestampStrategy sets what happens to a partition without a
// record at or after the starting timestamp. The default is TimestampError.
func (s *Source) StartingTimestampStrategy(st TimestampStrategy) *Source {
	return s.with(func(o *Options) { o.StartingTimestampStrategy = string(st) })
}

// MaxOffsetsPerTrigger caps the offsets of one batch over all partitions.
// The default 0 means no cap.
func (s *Source) MaxOffsetsPerTrigger(n int64) *Source {
	return s.with(func(o *Options) { o.MaxOffsetsPerTrigger = n })
}

// MinOffsetsPerTrigger delays a batch until n offsets are available or
// MaxTriggerDelay has passed. The default 0 means no minimum.
func (s *Source) MinOffsetsPerTrigger(n int64) *Source {
	return s.with(func(o *Options) { o.MinOffsetsPerTrigger = n })
}

// MaxTriggerDelay bounds the delay MinOffsetsPerTrigger may cause. The
// default is 15 minutes.
func (s *Source) MaxTriggerDelay(d time.Duration) *Source {
	return s.with(func(o *Options) { o.MaxTriggerDelay = Duration(d) })
}

// MinPartitions splits batches into at least n tasks. The default 0 means
// one task per Kafka partition.
func (s *Source) MinPartitions(n int) *Source {
	return s.with(func(o *Options) { o.MinPartitions = n })
}

// FailOnDataLoss sets whether lost offsets fail the query (the default,
// true) or are skipped and counted (false).
func (s *Source) FailOnDataLoss(fail bool) *Source {
	return s.with(func(o *Options) { o.FailOnDataLoss = fail })
}

// IncludeHeaders adds the headers column. The default is false.
func (s *Source) IncludeHeaders(include bool) *Source {
	return s.with(func(o *Options) { o.IncludeHeaders = include })
}

// GroupID sets the consumer group the driver commits batch end offsets to.
// The default is "spate-<query name>".
func (s *Source) GroupID(id string) *Source {
	return s.with(func(o *Options) { o.GroupID = id })
}

// ClientID sets the Kafka client id. The default is "spate".
func (s *Source) ClientID(id string) *Source {
	return s.with(func(o *Options) { o.ClientID = id })
}

// RequestTimeout bounds each request to the brokers. The default is 30
// seconds.
func (s *Source) RequestTimeout(d time.Duration) *Source {
	return s.with(func(o *Options) { o.RequestTimeout = Duration(d) })
}

// PollTimeout bounds how long reading a range may make no progress. The
// default is 2 minutes.
func (s *Source) PollTimeout(d time.Duration) *Source {
	return s.with(func(o *Options) { o.PollTimeout = Duration(d) })
}

// WithQueryName tells the source the name of the query it feeds, so that
// the default consumer group is "spate-<name>". The driver calls it before
// OpenStream through the method set
//
//	interface{ WithQueryName(string) engine.StreamSource }
//
// The name is not part of the source's options: the plan carries it.
func (s *Source) WithQueryName(name string) engine.StreamSource {
	c := s.with(func(*Options) {})
	c.queryName = name
	return c
}

// Group is the consumer group batch end offsets are committed to: GroupID,
// else "spate-<query name>", else "" when neither is known.
func (s *Source) Group() string {
	switch {
	case s.opts.GroupID != "":
		return s.opts.GroupID
	case s.queryName != "":
		return defaultGroupPrefix + s.queryName
	}
	return ""
}

// Kind is "kafka".
func (s *Source) Kind() string { return Kind }

// Options returns the source's Options (a copy), which marshal to the
// plan's JSON.
func (s *Source) Options() any { return s.opts.clone() }

// Validate reports the first problem with the source's options.
func (s *Source) Validate() error { return s.opts.Validate() }

// Schema is Spark's Kafka source schema (engine.KafkaSchema), with the
// headers column when IncludeHeaders is set.
func (s *Source) Schema() *arrow.Schema {
	if s.opts.IncludeHeaders {
		return engine.KafkaSchemaWithHeaders
	}
	return engine.KafkaSchema
}

// OpenStream opens the driver's side: offset discovery and commits. It
// fails within RequestTimeout when no broker answers.
func (s *Source) OpenStream(ctx context.Context) (engine.Stream, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return openStream(ctx, s.opts.clone(), s.Group())
}

// OpenReader opens the executor's side with Arrow's default allocator.
func (s *Source) OpenReader(ctx context.Context) (engine.RangeReader, error) {
	return s.OpenReaderWithAllocator(ctx, memory.DefaultAllocator)
}

// OpenReaderWithAllocator opens the executor's side, building records with
// mem (nil means Arrow's default allocator). It fails within RequestTimeout
// when no broker answers.
func (s *Source) OpenReaderWithAllocator(ctx context.Context, mem memory.Allocator) (*Reader, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	return openReader(ctx, s.opts.clone(), mem)
}
