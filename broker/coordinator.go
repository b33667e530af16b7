package broker

import (
	"sort"
	"sync"
	"time"

	"github.com/spate-io/spate/broker/group"
	"github.com/twmb/franz-go/pkg/kerr"
)

// coordinator owns the consumer groups this broker coordinates: those
// whose __consumer_offsets partition it leads, as in Kafka, so that
// coordinators move with the partition leaders and a group's committed
// offsets are wherever its coordinator is. When this broker becomes the
// leader of an offsets partition it loads that partition's groups from the
// log (COORDINATOR_LOAD_IN_PROGRESS meanwhile); when it stops leading it
// drops them (their members find the new coordinator).
//
// One mutex serialises all group operations; they are short (the slowest
// is an offset commit's append; the wait for its replication happens
// outside). A ticker drives group timers (session and rebalance timeouts,
// the initial join delay).
type coordinator struct {
	b      *Broker
	mu     sync.Mutex
	groups map[string]*groupEntry
	owned  map[int32]*ownership // offsets partitions led here
	stop   chan struct{}
	done   chan struct{}
}

// ownership is one __consumer_offsets partition this broker leads.
type ownership struct {
	p      *partition
	loaded bool
}

// groupEntry is one group: its membership and its committed offsets.
type groupEntry struct {
	g       *group.Group
	part    int32 // its __consumer_offsets partition
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
	logOffset   int64 // its record's offset in __consumer_offsets: the later record wins
}

// tickInterval is the resolution of group timers.
const tickInterval = 20 * time.Millisecond

func newCoordinator(b *Broker) *coordinator {
	c := &coordinator{b: b, groups: map[string]*groupEntry{}, owned: map[int32]*ownership{}, stop: make(chan struct{}), done: make(chan struct{})}
	go c.tickLoop()
	return c
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

// ownerLocked returns group id's offsets partition and 0 when this broker
// coordinates the group and has loaded it, else the error code to answer:
// NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS or, before the offsets
// topic exists, COORDINATOR_NOT_AVAILABLE. Call with mu held.
func (c *coordinator) ownerLocked(id string) (int32, int16) {
	t, ok := c.b.meta().Topic(offsetsTopic)
	if !ok {
		return -1, kerr.CoordinatorNotAvailable.Code
	}
	part := offsetsPartition(id, int32(len(t.Partitions)))
	switch o := c.owned[part]; {
	case o == nil:
		return part, kerr.NotCoordinator.Code
	case !o.loaded:
		return part, kerr.CoordinatorLoadInProgress.Code
	}
	return part, 0
}

// entry returns the group, creating it when create is set; call with mu
// held, after ownerLocked.
func (c *coordinator) entry(id string, part int32, create bool) *groupEntry {
	e := c.groups[id]
	if e == nil && create {
		e = &groupEntry{g: group.New(id, c.groupConfig()), part: part, offsets: map[topicPartition]committedOffset{}}
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
	if part, code := c.ownerLocked(id); code != 0 {
		ch <- group.JoinResult{ErrorCode: code, Generation: -1}
	} else {
		c.entry(id, part, true).g.Join(c.b.cfg.Now(), req, func(r group.JoinResult) { ch <- r })
	}
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
	part, code := c.ownerLocked(id)
	switch e := c.entry(id, part, false); {
	case code != 0:
		ch <- group.SyncResult{ErrorCode: code}
	case e == nil:
		ch <- group.SyncResult{ErrorCode: unknown}
	default:
		e.g.Sync(c.b.cfg.Now(), req, func(r group.SyncResult) { ch <- r })
	}
	c.mu.Unlock()
	select {
	case r := <-ch:
		return r, true
	case <-done:
		return group.SyncResult{}, false
	}
}

// do runs fn on an existing group under the lock. It returns the
// coordinator error code (0 when this broker coordinates the group) and
// whether the group exists.
func (c *coordinator) do(id string, fn func(e *groupEntry)) (code int16, found bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	part, code := c.ownerLocked(id)
	if code != 0 {
		return code, false
	}
	e := c.entry(id, part, false)
	if e == nil {
		return 0, false
	}
	fn(e)
	return 0, true
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

// lead starts coordinating the groups of offsets partition p, which this
// broker now leads: it loads them from the log in the background and
// returns a channel closed when they are loaded.
func (c *coordinator) lead(p *partition) <-chan struct{} {
	o := &ownership{p: p}
	c.mu.Lock()
	c.owned[p.tp.Partition] = o
	c.mu.Unlock()
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.load(o)
	}()
	return done
}

// resign stops coordinating the groups of offsets partition idx: members
// waiting in a rebalance are told to find the coordinator again.
func (c *coordinator) resign(idx int32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.owned[idx] == nil {
		return
	}
	delete(c.owned, idx)
	n := 0
	for id, e := range c.groups {
		if e.part == idx {
			e.g.Kill()
			delete(c.groups, id)
			n++
		}
	}
	c.b.log.Debug("broker: no longer coordinating the groups of an offsets partition", "partition", idx, "groups", n)
}
