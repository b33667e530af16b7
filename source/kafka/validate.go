package kafka

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"regexp"
	"slices"
	"strings"
)

// Validate checks the options and says in a plain sentence what is wrong:
// what to read (exactly one of Subscribe, SubscribePattern, Assign), the
// broker addresses, where to start, and the batch limits.
func (o *Options) Validate() error {
	checks := []func() error{
		o.validateTopics,
		o.validateBrokers,
		o.validateStart,
		o.validateLimits,
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

func (o *Options) validateTopics() error {
	var set []string
	if len(o.Subscribe) > 0 {
		set = append(set, "Subscribe")
	}
	if o.SubscribePattern != "" {
		set = append(set, "SubscribePattern")
	}
	if len(o.Assign) > 0 {
		set = append(set, "Assign")
	}
	switch {
	case len(set) == 0:
		return errors.New("kafka: no topics to read: use Subscribe(topics...), SubscribePattern(regex) or Assign(partitions)")
	case len(set) > 1:
		return fmt.Errorf("kafka: %s are both set; a source reads either named topics, a topic pattern or assigned partitions: choose one", strings.Join(set, " and "))
	}
	switch {
	case len(o.Subscribe) > 0:
		return validateTopicNames(o.Subscribe)
	case o.SubscribePattern != "":
		if _, err := regexp.Compile(o.SubscribePattern); err != nil {
			return fmt.Errorf("kafka: SubscribePattern %q is not a valid regular expression: %w", o.SubscribePattern, err)
		}
		return nil
	default:
		return validateAssign(o.Assign)
	}
}

func validateTopicNames(topics []string) error {
	seen := make(map[string]bool, len(topics))
	for _, t := range topics {
		if err := validTopicName(t); err != nil {
			return err
		}
		if seen[t] {
			return fmt.Errorf("kafka: topic %s is subscribed twice", t)
		}
		seen[t] = true
	}
	return nil
}

func validateAssign(assign map[string][]int32) error {
	for _, t := range slices.Sorted(maps.Keys(assign)) {
		if err := validTopicName(t); err != nil {
			return err
		}
		ps := assign[t]
		if len(ps) == 0 {
			return fmt.Errorf("kafka: Assign lists topic %s without partitions", t)
		}
		seen := make(map[int32]bool, len(ps))
		for _, p := range ps {
			if p < 0 {
				return fmt.Errorf("kafka: Assign lists partition %d of topic %s; partitions are numbered from 0", p, t)
			}
			if seen[p] {
				return fmt.Errorf("kafka: Assign lists partition %d of topic %s twice", p, t)
			}
			seen[p] = true
		}
	}
	return nil
}

// validTopicName applies Kafka's rule: 1-249 characters of [a-zA-Z0-9._-],
// and not "." or "..".
func validTopicName(t string) error {
	if t == "" || t == "." || t == ".." || len(t) > 249 {
		return fmt.Errorf("kafka: %q is not a valid topic name (1 to 249 characters of a-z, A-Z, 0-9, '.', '_', '-')", t)
	}
	for _, c := range t {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
		if !ok {
			return fmt.Errorf("kafka: %q is not a valid topic name: %q is not allowed (use a-z, A-Z, 0-9, '.', '_', '-')", t, c)
		}
	}
	return nil
}

func (o *Options) validateBrokers() error {
	for _, addr := range o.Brokers {
		host, port, err := net.SplitHostPort(addr)
		if err != nil || host == "" || port == "" {
			return fmt.Errorf("kafka: broker address %q is not host:port (like 127.0.0.1:9092)", addr)
		}
	}
	return nil
}

func (o *Options) validateStart() error {
	var set []string
	if o.StartingOffsets != "" && o.startingOffsets() != defaultStartingOffsets {
		set = append(set, "StartingOffsets")
	}
	if o.StartingTimestamp != nil {
		set = append(set, "StartingTimestamp")
	}
	if len(o.StartingOffsetsByTimestamp) > 0 {
		set = append(set, "StartingTimestamps")
	}
	if len(set) > 1 {
		return fmt.Errorf("kafka: %s are both set; choose one way to say where a new query starts", strings.Join(set, " and "))
	}
	spec, err := parseStartOffsets(o.StartingOffsets)
	if err != nil {
		return err
	}
	if spec.kind == startSpecific && len(o.Assign) > 0 {
		if err := samePartitions("startingOffsets", spec.specific, o.Assign); err != nil {
			return err
		}
	}
	if o.StartingTimestamp != nil && *o.StartingTimestamp < 0 {
		return fmt.Errorf("kafka: StartingTimestamp %d is before 1970; timestamps are Unix milliseconds", *o.StartingTimestamp)
	}
	for _, tp := range sortedPartitions(o.StartingOffsetsByTimestamp) {
		if ts := o.StartingOffsetsByTimestamp[tp.Topic][tp.Partition]; ts < 0 {
			return fmt.Errorf("kafka: StartingTimestamps: timestamp %d of %s is before 1970; timestamps are Unix milliseconds", ts, tp)
		}
	}
	if len(o.StartingOffsetsByTimestamp) > 0 && len(o.Assign) > 0 {
		if err := samePartitions("StartingTimestamps", o.StartingOffsetsByTimestamp, o.Assign); err != nil {
			return err
		}
	}
	switch o.StartingTimestampStrategy {
	case "", strategyError, strategyLatest:
	default:
		return fmt.Errorf("kafka: StartingTimestampStrategy %q is not %q or %q", o.StartingTimestampStrategy, strategyError, strategyLatest)
	}
	return nil
}

// samePartitions checks that per-partition start options name exactly the
// assigned partitions, as Spark requires.
func samePartitions[V any](what string, given map[string]map[int32]V, assign map[string][]int32) error {
	want := make(partitionSet)
	for t, ps := range assign {
		for _, p := range ps {
			want.add(t, p)
		}
	}
	missing, extra := diffPartitionSets(want, given)
	if len(missing) > 0 || len(extra) > 0 {
		return partitionSetError(what, missing, extra)
	}
	return nil
}

func (o *Options) validateLimits() error {
	type limit struct {
		name  string
		value int64
	}
	for _, l := range []limit{
		{"MaxOffsetsPerTrigger", o.MaxOffsetsPerTrigger},
		{"MinOffsetsPerTrigger", o.MinOffsetsPerTrigger},
		{"MaxTriggerDelay", int64(o.MaxTriggerDelay)},
		{"MinPartitions", int64(o.MinPartitions)},
		{"RequestTimeout", int64(o.RequestTimeout)},
		{"PollTimeout", int64(o.PollTimeout)},
	} {
		if l.value < 0 {
			return fmt.Errorf("kafka: %s is negative (%d); use 0 for the default", l.name, l.value)
		}
	}
	if o.MaxOffsetsPerTrigger > 0 && o.MinOffsetsPerTrigger > o.MaxOffsetsPerTrigger {
		return fmt.Errorf("kafka: MinOffsetsPerTrigger %d is above MaxOffsetsPerTrigger %d, so no batch could ever start", o.MinOffsetsPerTrigger, o.MaxOffsetsPerTrigger)
	}
	return nil
}
