package log

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestApplyTopicConfigs(t *testing.T) {
	cases := []struct {
		configs map[string]string
		want    Config
		err     string
	}{
		{map[string]string{"cleanup.policy": "compact"}, Config{CleanupPolicy: CleanupCompact}, ""},
		{map[string]string{"cleanup.policy": "delete, compact"}, Config{CleanupPolicy: CleanupCompact | CleanupDelete}, ""},
		{map[string]string{"cleanup.policy": "delete"}, Config{CleanupPolicy: CleanupDelete}, ""},
		{map[string]string{"cleanup.policy": "compacted"}, Config{}, "cleanup.policy"},
		{map[string]string{"min.cleanable.dirty.ratio": "0.25"}, Config{MinCleanableDirtyRatio: 0.25}, ""},
		{map[string]string{"min.cleanable.dirty.ratio": "0"}, Config{MinCleanableDirtyRatio: -1}, ""},
		{map[string]string{"min.cleanable.dirty.ratio": "1.5"}, Config{}, "min.cleanable.dirty.ratio"},
		{map[string]string{"min.compaction.lag.ms": "60000"}, Config{MinCompactionLag: time.Minute}, ""},
		{map[string]string{"max.compaction.lag.ms": "9223372036854775807"}, Config{}, ""},
		{map[string]string{"max.compaction.lag.ms": "3600000"}, Config{MaxCompactionLag: time.Hour}, ""},
		{map[string]string{"max.compaction.lag.ms": "0"}, Config{}, "max.compaction.lag.ms"},
		{map[string]string{"delete.retention.ms": "86400000"}, Config{DeleteRetention: 24 * time.Hour}, ""},
		{map[string]string{"delete.retention.ms": "0"}, Config{DeleteRetention: -1}, ""},
		{map[string]string{"delete.retention.ms": "9223372036854775807"}, Config{DeleteRetention: math.MaxInt64}, ""},
		{map[string]string{"delete.retention.ms": "-5"}, Config{}, "delete.retention.ms"},
		{map[string]string{"retention.ms": "5", "compression.type": "zstd"}, Config{}, ""}, // not the cleaner's
	}
	for _, tc := range cases {
		var c Config
		err := c.ApplyTopicConfigs(tc.configs)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%v: error %v, want one naming %s", tc.configs, err, tc.err)
			}
			continue
		}
		if err != nil || c != tc.want {
			t.Errorf("%v: %+v %v, want %+v", tc.configs, c, err, tc.want)
		}
	}
}

func TestCompactionConfigDefaultsAndValidation(t *testing.T) {
	d := DefaultConfig()
	if d.CleanupPolicy != CleanupDelete || d.MinCleanableDirtyRatio != 0.5 || d.DeleteRetention != 24*time.Hour || d.MaxCompactionLag != 0 {
		t.Fatalf("defaults %+v", d)
	}
	over := Config{CleanupPolicy: CleanupCompact}.Over(Config{MinCleanableDirtyRatio: 0.1, DeleteRetention: time.Minute, CleanupPolicy: CleanupDelete})
	if over.CleanupPolicy != CleanupCompact || over.MinCleanableDirtyRatio != 0.1 || over.DeleteRetention != time.Minute {
		t.Fatalf("over %+v", over)
	}
	for _, bad := range []Config{
		{CleanupPolicy: 4},
		{MinCleanableDirtyRatio: 1.01},
		{MinCleanableDirtyRatio: math.NaN()},
		{MinCompactionLag: -1},
		{MaxCompactionLag: -1},
		{MinCompactionLag: time.Hour, MaxCompactionLag: time.Minute},
	} {
		if err := bad.Validate(); err == nil || !strings.HasPrefix(err.Error(), "log: ") {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	if p := (CleanupCompact | CleanupDelete); p.String() != "compact,delete" || !p.Deletes() || !p.Compacts() {
		t.Fatalf("%v", p)
	}
	if p := CleanupPolicy(0); p.String() != "delete" || !p.Deletes() || p.Compacts() {
		t.Fatalf("zero policy %v", p)
	}
}
