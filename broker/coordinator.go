package broker

import (
	"sort"
	"sync"
	"time"

	"github.com/spate-io/spate/broker/group"
)

// coordinator owns every consumer group of this broker: the membership
// state machines of broker/group and the committed offsets. One mutex
// serialises all group operations; they are short (the slowest is an
// offset commit's append to __consumer_offsets). A ticker drives group
// timers (session and rebalance timeouts, the initial join delay).
type coordinator struct {
	b      *Broker
	mu     sync.Mutex
	groups map[string]*groupEntry
	stop   chan struct{}
	done   chan struct{}
}

// groupEntry is one group: its membership and its committed offsets.
type groupEntry struct {
	g       *group.Group
	offsets map[topicPartition]committedOffset
}

type topicPartition struct {
	topic     string
	partition int32
}

type committedOffset struct {
	offset      int64
	leaderEpoch int32
	metadata    string
	at          int64 // commit time, ms
}

// tickInterval is the resolution of group timers.
const tickInterval = 20 * time.Millisecond

func newCoordinator(b *Broker) (*coordinator, error) {
	c := &coordinator{b: b, groups: map[string]*groupEntry{}, stop: make(chan struct{}), done: make(chan struct{})}
	if err := c.load(); err != nil {
		return nil, err
	}
	go c.tickLoop()
	return c, nil
}

func (c *coordinator) close() {
	select {
	case <-c.stop:
	default:
		close(c.stop)
	}
	<-c.done
}

func (c *coordinator) tickLoop() {
	defer close(c.done)
	t := time.NewTicker(tickInterval)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			c.tick()
		}
	}
}

func (c *coordinator) tick() {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.b.cfg.Now()
	for _, e := range c.groups {
		e.g.Tick(now)
	}
}

// entry returns the group, creating it when create is set; call with mu held.
func (c *coordinator) entry(id string, create bool) *groupEntry {
	e := c.groups[id]
	if e == nil && create {
		e = &groupEntry{g: group.New(id, c.groupConfig()), offsets: map[topicPartition]committedOffset{}}
		c.groups[id] = e
	}
	return e
}

func (c *coordinator) groupConfig() group.Config {
	return group.Config{
		InitialRebalanceDelay: c.b.cfg.GroupInitialRebalanceDelay,
		MinSessionTimeout:     c.b.cfg.GroupMinSessionTimeout,
		MaxSessionTimeout:     c.b.cfg.GroupMaxSessionTimeout,
	}
}

// join runs g.Join and waits for its reply or for done.
func (c *coordinator) join(id string, req group.JoinRequest, done <-chan struct{}) (group.JoinResult, bool) {
	ch := make(chan group.JoinResult, 1)
	c.mu.Lock()
	c.entry(id, true).g.Join(c.b.cfg.Now(), req, func(r group.JoinResult) { ch <- r })
	c.mu.Unlock()
	select {
	case r := <-ch:
		return r, true
	case <-done:
		return group.JoinResult{}, false
	}
}

// sync runs g.Sync and waits for its reply or for done.
func (c *coordinator) sync(id string, req group.SyncRequest, unknown int16, done <-chan struct{}) (group.SyncResult, bool) {
	ch := make(chan group.SyncResult, 1)
	c.mu.Lock()
	if e := c.entry(id, false); e != nil {
		e.g.Sync(c.b.cfg.Now(), req, func(r group.SyncResult) { ch <- r })
	} else {
		ch <- group.SyncResult{ErrorCode: unknown}
	}
	c.mu.Unlock()
	select {
	case r := <-ch:
		return r, true
	case <-done:
		return group.SyncResult{}, false
	}
}

// do runs fn on an existing group under the lock; false if there is none.
func (c *coordinator) do(id string, fn func(e *groupEntry)) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entry(id, false)
	if e == nil {
		return false
	}
	fn(e)
	return true
}

// list returns the group ids with their state and protocol type, sorted.
func (c *coordinator) list() []groupListing {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]groupListing, 0, len(c.groups))
	for id, e := range c.groups {
		pt := e.g.ProtocolType()
		if pt == "" {
			pt = "consumer"
		}
		out = append(out, groupListing{id: id, state: e.g.State().String(), protocolType: pt})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

type groupListing struct{ id, state, protocolType string }
