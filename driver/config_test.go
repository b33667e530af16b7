package driver

import (
	"strings"
	"testing"
	"time"

	"github.com/spate-io/spate/engine/plan"
)

func TestConfigValidate(t *testing.T) {
	for _, tt := range []struct {
		cfg  Config
		want string
	}{
		{Config{Version: "v"}, "DataDir is required"},
		{Config{DataDir: "d"}, "Version is required"},
		{Config{DataDir: "d", Version: "v", Listen: "7077"}, `Listen "7077" is not host:port`},
		{Config{DataDir: "d", Version: "v", HeartbeatInterval: time.Second, HeartbeatTimeout: time.Second}, "must be longer than HeartbeatInterval"},
	} {
		tt.cfg.defaults()
		if err := tt.cfg.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Validate() = %v, want %q", err, tt.want)
		}
	}
	ok := Config{DataDir: "d", Version: "v"}
	ok.defaults()
	if err := ok.Validate(); err != nil || ok.Gossip != "127.0.0.1:0" || ok.HeartbeatTimeout != 2*time.Second {
		t.Fatalf("defaults: %v, %+v", err, ok)
	}
}

func TestMissingTopics(t *testing.T) {
	latest := map[string]map[int32]int64{"a": {0: 5}, "empty": {}}
	for _, tt := range []struct {
		options string
		want    string
	}{
		{`{"subscribe":["a"]}`, ""},
		{`{"subscribe":["a","b","b"]}`, "b"},
		{`{"subscribe":["empty"]}`, "empty"},
		{`{"subscribePattern":"x.*"}`, ""},
		{`not json`, ""},
	} {
		if got := strings.Join(missingTopics([]byte(tt.options), latest), ","); got != tt.want {
			t.Errorf("missingTopics(%s) = %q, want %q", tt.options, got, tt.want)
		}
	}
}

func TestPathWarnings(t *testing.T) {
	q := &plan.Query{Checkpoint: "ckpt", Sink: &plan.Sink{Kind: "parquet", Options: []byte(`{"path":"out/etl"}`)}}
	if w := pathWarnings(q); len(w) != 2 || !strings.Contains(w[0], `"ckpt" is relative`) || !strings.Contains(w[1], `path "out/etl" is relative`) {
		t.Errorf("relative paths: %q", w)
	}
	q = &plan.Query{Checkpoint: "/data/ckpt", Sink: &plan.Sink{Kind: "parquet", Options: []byte(`{"path":"/data/out"}`)}}
	if w := pathWarnings(q); len(w) != 0 {
		t.Errorf("absolute paths: %q", w)
	}
}
