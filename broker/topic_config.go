package broker

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kmsg"

	blog "github.com/spate-io/spate/broker/log"
)

// topicConfigSpec is one topic-level config this broker knows: its type for
// DescribeConfigs v3+ and a check of a proposed value.
type topicConfigSpec struct {
	typ   kmsg.ConfigType
	valid func(string) error
}

func validLong(min int64) func(string) error {
	return func(v string) error {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", v)
		}
		if n < min {
			return fmt.Errorf("%d is below the minimum %d", n, min)
		}
		return nil
	}
}

func validOneOf(choices ...string) func(string) error {
	return func(v string) error {
		for _, c := range choices {
			if v == c {
				return nil
			}
		}
		return fmt.Errorf("%q is not one of %s", v, strings.Join(choices, ", "))
	}
}

// topicConfigs lists the topic configs the broker implements or accepts.
// Others are refused with INVALID_CONFIG so a typo does not pass silently.
var topicConfigs = map[string]topicConfigSpec{
	"cleanup.policy":         {kmsg.ConfigTypeList, validOneOf("delete", "compact", "compact,delete", "delete,compact")},
	"compression.type":       {kmsg.ConfigTypeString, validOneOf("producer", "uncompressed", "gzip", "snappy", "lz4", "zstd")},
	"retention.ms":           {kmsg.ConfigTypeLong, validLong(-1)},
	"retention.bytes":        {kmsg.ConfigTypeLong, validLong(-1)},
	"segment.bytes":          {kmsg.ConfigTypeInt, validLong(1024)},
	"segment.ms":             {kmsg.ConfigTypeLong, validLong(1)},
	"max.message.bytes":      {kmsg.ConfigTypeInt, validLong(0)},
	"message.timestamp.type": {kmsg.ConfigTypeString, validOneOf("CreateTime", "LogAppendTime")},
	"min.insync.replicas":    {kmsg.ConfigTypeInt, validLong(1)},
	"flush.messages":         {kmsg.ConfigTypeLong, validLong(0)},
	"flush.ms":               {kmsg.ConfigTypeLong, validLong(0)},

	"unclean.leader.election.enable": {kmsg.ConfigTypeBoolean, validOneOf("true", "false")},

	"delete.retention.ms":       {kmsg.ConfigTypeLong, validLong(0)},
	"min.compaction.lag.ms":     {kmsg.ConfigTypeLong, validLong(0)},
	"max.compaction.lag.ms":     {kmsg.ConfigTypeLong, validLong(1)},
	"min.cleanable.dirty.ratio": {kmsg.ConfigTypeDouble, validCleanerConfig("min.cleanable.dirty.ratio")},
}

// validCleanerConfig checks a log cleaner key the way broker/log reads it.
func validCleanerConfig(name string) func(string) error {
	return func(v string) error {
		var c blog.Config
		return c.ApplyTopicConfigs(map[string]string{name: v})
	}
}

// topicConfigDefaults returns the value of every known topic config when a
// topic does not override it, derived from the broker config.
func (c Config) topicConfigDefaults() map[string]string {
	i64 := func(n int64) string { return strconv.FormatInt(n, 10) }
	flushMs := int64(-1)
	if c.FlushInterval > 0 {
		flushMs = c.FlushInterval.Milliseconds()
	}
	flushMsgs := c.FlushMessages
	if flushMsgs <= 0 {
		flushMsgs = 1<<63 - 1 // Kafka's "never", leave it to the OS
	}
	if flushMs < 0 {
		flushMs = 1<<63 - 1
	}
	return map[string]string{
		"cleanup.policy":         "delete",
		"compression.type":       "producer",
		"retention.ms":           i64(c.RetentionAge.Milliseconds()),
		"retention.bytes":        i64(c.RetentionBytes),
		"segment.bytes":          i64(c.SegmentBytes),
		"segment.ms":             i64(c.SegmentAge.Milliseconds()),
		"max.message.bytes":      i64(blog.DefaultMaxMessageBytes),
		"message.timestamp.type": "CreateTime",
		"min.insync.replicas":    strconv.Itoa(c.MinInsyncReplicas),
		"flush.messages":         i64(flushMsgs),
		"flush.ms":               i64(flushMs),

		"unclean.leader.election.enable": "false",

		"delete.retention.ms":       i64(blog.DefaultDeleteRetention.Milliseconds()),
		"min.compaction.lag.ms":     "0",
		"max.compaction.lag.ms":     "9223372036854775807",
		"min.cleanable.dirty.ratio": strconv.FormatFloat(blog.DefaultMinCleanableDirtyRatio, 'g', -1, 64),
	}
}

// validateTopicConfig checks one name=value; the error reads as a sentence
// for the client's INVALID_CONFIG message.
func validateTopicConfig(name string, value *string) error {
	spec, ok := topicConfigs[name]
	if !ok {
		return fmt.Errorf("unknown topic config %q", name)
	}
	if value == nil {
		return fmt.Errorf("topic config %q needs a value", name)
	}
	if err := spec.valid(*value); err != nil {
		return fmt.Errorf("topic config %s: %v", name, err)
	}
	return nil
}

// validTopicName applies Kafka's rules: 1-249 of [a-zA-Z0-9._-], not "." or "..".
func validTopicName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("topic name is empty")
	case len(name) > 249:
		return fmt.Errorf("topic name is %d characters, more than 249", len(name))
	case name == "." || name == "..":
		return fmt.Errorf("topic name %q is not allowed", name)
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return fmt.Errorf("topic name %q has %q; use only letters, digits, '.', '_' and '-'", name, r)
		}
	}
	return nil
}
