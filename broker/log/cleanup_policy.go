package log

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// CleanupPolicy is a topic's cleanup.policy: a set of CleanupDelete and
// CleanupCompact. The zero value means the default, CleanupDelete.
type CleanupPolicy uint8

// The cleanup policies, combinable with |.
const (
	// CleanupDelete deletes whole old segments by retention.ms and
	// retention.bytes.
	CleanupDelete CleanupPolicy = 1 << iota
	// CleanupCompact keeps at least the latest record of every key.
	CleanupCompact
)

// Compacts reports whether the policy includes compact.
func (p CleanupPolicy) Compacts() bool { return p&CleanupCompact != 0 }

// Deletes reports whether the policy includes delete; the zero value
// (the default) does.
func (p CleanupPolicy) Deletes() bool { return p == 0 || p&CleanupDelete != 0 }

// String is the Kafka config value: "delete", "compact" or "compact,delete".
func (p CleanupPolicy) String() string {
	switch {
	case p.Compacts() && p&CleanupDelete != 0:
		return "compact,delete"
	case p.Compacts():
		return "compact"
	default:
		return "delete"
	}
}

// ParseCleanupPolicy parses a cleanup.policy value: a comma-separated list
// of "delete" and "compact" in any order.
func ParseCleanupPolicy(s string) (CleanupPolicy, error) {
	var p CleanupPolicy
	for _, part := range strings.Split(s, ",") {
		switch strings.TrimSpace(part) {
		case "delete":
			p |= CleanupDelete
		case "compact":
			p |= CleanupCompact
		default:
			return 0, fmt.Errorf("log: cleanup.policy %q is not delete, compact or compact,delete", s)
		}
	}
	return p, nil
}

// ApplyTopicConfigs sets the log cleaner fields from a topic's Kafka
// configs: cleanup.policy, min.cleanable.dirty.ratio, min.compaction.lag.ms,
// max.compaction.lag.ms and delete.retention.ms. Other keys are left to the
// caller and ignored here. Kafka's "never" (Long.MAX_VALUE) and its zeros
// map to this package's conventions (see the Config fields).
func (c *Config) ApplyTopicConfigs(configs map[string]string) error {
	for name, v := range configs {
		if err := c.applyTopicConfig(name, v); err != nil {
			return err
		}
	}
	return nil
}

func (c *Config) applyTopicConfig(name, v string) error {
	switch name {
	case "cleanup.policy":
		p, err := ParseCleanupPolicy(v)
		if err != nil {
			return err
		}
		c.CleanupPolicy = p
	case "min.cleanable.dirty.ratio":
		r, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || r < 0 || r > 1 || math.IsNaN(r) {
			return fmt.Errorf("log: min.cleanable.dirty.ratio %q must be a number between 0 and 1", v)
		}
		if r == 0 {
			r = -1 // 0 means the default here
		}
		c.MinCleanableDirtyRatio = r
	case "min.compaction.lag.ms":
		ms, err := parseMs(name, v, 0)
		if err != nil {
			return err
		}
		c.MinCompactionLag = ms
	case "max.compaction.lag.ms":
		ms, err := parseMs(name, v, 1)
		if err != nil {
			return err
		}
		if ms == math.MaxInt64 {
			ms = 0 // Long.MAX_VALUE: no bound, this package's default
		}
		c.MaxCompactionLag = ms
	case "delete.retention.ms":
		ms, err := parseMs(name, v, 0)
		if err != nil {
			return err
		}
		if ms == 0 {
			ms = -1 // 0 means the default here
		}
		c.DeleteRetention = ms
	}
	return nil
}

// parseMs parses a millisecond config of at least least. Values too large
// for a time.Duration (Kafka's Long.MAX_VALUE, "forever") become the
// largest Duration.
func parseMs(name, v string, least int64) (time.Duration, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < least {
		return 0, fmt.Errorf("log: %s %q must be a whole number of milliseconds, at least %d", name, v, least)
	}
	if n > math.MaxInt64/int64(time.Millisecond) {
		return math.MaxInt64, nil
	}
	return time.Duration(n) * time.Millisecond, nil
}
