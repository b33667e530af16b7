package broker

import "testing"

// TestTopicConfigDefaultsAreKafkas pins the defaults a topic reports and
// runs with when neither it nor the broker config overrides them: Kafka's.
func TestTopicConfigDefaultsAreKafkas(t *testing.T) {
	got := Config{DataDir: "unused"}.withDefaults().topicConfigDefaults()
	for name, want := range map[string]string{
		"cleanup.policy":            "delete",
		"retention.ms":              "604800000",
		"retention.bytes":           "-1",
		"segment.bytes":             "1073741824",
		"segment.ms":                "604800000",
		"max.message.bytes":         "1048588",
		"flush.messages":            "9223372036854775807",
		"flush.ms":                  "9223372036854775807",
		"delete.retention.ms":       "86400000",
		"min.compaction.lag.ms":     "0",
		"max.compaction.lag.ms":     "9223372036854775807",
		"min.cleanable.dirty.ratio": "0.5",
	} {
		if got[name] != want {
			t.Errorf("%s = %q, want %q", name, got[name], want)
		}
	}
}
