package cluster

import (
	"strings"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	ok := Config{NodeID: 1, DataDir: "/tmp/x", KafkaAddr: "127.0.0.1:9092"}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	fast := ok
	fast.Timing = FastTiming()
	if err := fast.Validate(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		edit func(c *Config)
		msg  string
	}{
		{"negative id", func(c *Config) { c.NodeID = -1 }, "NodeID -1"},
		{"no data dir", func(c *Config) { c.DataDir = "" }, "DataDir is required"},
		{"bad kafka addr", func(c *Config) { c.KafkaAddr = "nope" }, "KafkaAddr"},
		{"bad raft addr", func(c *Config) { c.RaftAddr = "nope" }, "RaftAddr"},
		{"bad gossip addr", func(c *Config) { c.GossipAddr = "nope" }, "GossipAddr"},
		{"non-voter alone", func(c *Config) { c.NonVoter = true }, "cannot start a cluster"},
		{"lease over heartbeat", func(c *Config) { c.Timing = DefaultTiming(); c.Timing.LeaderLeaseTimeout = time.Second }, "LeaderLeaseTimeout"},
		{"probe timeout", func(c *Config) { c.Timing = DefaultTiming(); c.Timing.ProbeTimeout = time.Second }, "ProbeTimeout"},
		{"tiny heartbeat", func(c *Config) { c.Timing = DefaultTiming(); c.Timing.HeartbeatTimeout = time.Millisecond }, "at least 5ms"},
		{"partial timing", func(c *Config) { c.Timing = Timing{HeartbeatTimeout: time.Second} }, "Timing"},
		{"imbalance", func(c *Config) { c.LeaderImbalancePercentage = 101 }, "LeaderImbalancePercentage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.edit(&c)
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.msg) || !strings.HasPrefix(err.Error(), "cluster: config: ") {
				t.Fatalf("got %v, want an error about %q", err, tt.msg)
			}
		})
	}
}

func TestLogWriterLevels(t *testing.T) {
	var got []string
	h := &captureHandler{out: &got}
	w := logWriter{l: slogNew(h)}
	for _, line := range []string{"[DEBUG] memberlist: probing\n", "[WARN]  raft: heartbeat failed\n", "[ERR] memberlist: conflict\n", "plain line\n"} {
		if _, err := w.Write([]byte(line)); err != nil {
			t.Fatal(err)
		}
	}
	want := "DEBUG memberlist: probing|WARN raft: heartbeat failed|ERROR memberlist: conflict|INFO plain line"
	if s := strings.Join(got, "|"); s != want {
		t.Fatalf("got %q, want %q", s, want)
	}
}
