package gossip

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/memberlist"

	"github.com/spate-io/spate/internal/testutil"
)

type testMeta struct {
	Role string `json:"role"`
	Addr string `json:"addr,omitempty"`
}

// joins records the meta of every member that joined.
type joins struct {
	mu   sync.Mutex
	meta map[string]testMeta
}

func (j *joins) NotifyJoin(n *memberlist.Node) {
	var m testMeta
	_ = json.Unmarshal(n.Meta, &m)
	j.mu.Lock()
	defer j.mu.Unlock()
	j.meta[n.Name] = m
}
func (j *joins) NotifyLeave(*memberlist.Node)  {}
func (j *joins) NotifyUpdate(*memberlist.Node) {}

func fastConfig(name string, meta testMeta, events memberlist.EventDelegate) Config {
	return Config{
		Name: name, Bind: "127.0.0.1:0", Meta: meta,
		ProbeInterval: 100 * time.Millisecond, ProbeTimeout: 50 * time.Millisecond, SuspicionMult: 2,
		GossipInterval: 50 * time.Millisecond, PushPullInterval: time.Second, TCPTimeout: time.Second,
		Events: events, Logger: log.New(io.Discard, "", 0),
	}
}

func TestStartedNodesSeeEachOthersMeta(t *testing.T) {
	seen := &joins{meta: map[string]testMeta{}}
	a, err := Start(fastConfig("a", testMeta{Role: "driver"}, seen))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Shutdown()
	b, err := Start(fastConfig("b", testMeta{Role: "executor", Addr: "127.0.0.1:1"}, nil))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Shutdown()
	if _, err := b.Join([]string{a.LocalNode().Address()}); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 10*time.Second, 10*time.Millisecond, func() error {
		seen.mu.Lock()
		defer seen.mu.Unlock()
		if m := seen.meta["b"]; m != (testMeta{Role: "executor", Addr: "127.0.0.1:1"}) {
			return fmt.Errorf("a saw b with meta %+v", m)
		}
		return nil
	})
}

func TestStartRefusesBadConfig(t *testing.T) {
	for _, tc := range []struct {
		c    Config
		want string
	}{
		{Config{Name: "x", Bind: "127.0.0.1"}, `gossip address "127.0.0.1" is not host:port`},
		{Config{Name: "x", Bind: "127.0.0.1:http"}, `gossip address "127.0.0.1:http" has no numeric port`},
		{Config{Name: "x", Bind: "127.0.0.1:0", Meta: func() {}}, "encoding node meta"},
		{Config{Name: "x", Bind: "127.0.0.1:0", Meta: testMeta{Addr: strings.Repeat("h", 600)}}, "over memberlist's 512"},
	} {
		ml, err := Start(tc.c)
		if err == nil {
			ml.Shutdown()
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.c, err, tc.want)
		}
	}
}

func TestMetaDelegateRespectsTheLimit(t *testing.T) {
	d := metaDelegate{meta: []byte(`{"role":"driver"}`)}
	if got := d.NodeMeta(512); string(got) != `{"role":"driver"}` {
		t.Errorf("NodeMeta(512) = %q", got)
	}
	if got := d.NodeMeta(4); got != nil {
		t.Errorf("NodeMeta(4) = %q, want nil", got)
	}
}
