package executor

import (
	"errors"
	"fmt"
	"sync"

	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/engine/plan"
)

// errPlanUnknown is a task that left its plan out for a plan this
// executor does not have.
var errPlanUnknown = errors.New("executor: plan not cached")

// planCache keeps decoded plans by plan hash, so tasks of a known query
// may leave the plan out and are not decoded again. It evicts the least
// recently used plan beyond its size.
type planCache struct {
	size int

	mu    sync.Mutex
	plans map[string]*plan.Query
	order []string // least recently used first
}

func newPlanCache(size int) *planCache {
	return &planCache{size: size, plans: map[string]*plan.Query{}}
}

// forTask returns the plan of a task: the cached one for its hash, or the
// plan it carries, checked against the hash and cached.
func (c *planCache) forTask(spec engine.TaskSpec) (*plan.Query, error) {
	if q, ok := c.get(spec.PlanHash); ok {
		return q, nil
	}
	if len(spec.Plan) == 0 {
		return nil, fmt.Errorf("%w: task %s names plan %s, which this executor does not have; send the task with its plan", errPlanUnknown, spec.Name(), short(spec.PlanHash))
	}
	q, err := plan.Unmarshal(spec.Plan)
	if err != nil {
		return nil, fmt.Errorf("executor: task %s: the plan does not decode: %w", spec.Name(), err)
	}
	hash, err := plan.Hash(q)
	if err != nil {
		return nil, fmt.Errorf("executor: task %s: %w", spec.Name(), err)
	}
	if hash != spec.PlanHash {
		return nil, fmt.Errorf("executor: task %s: its plan hashes to %s, not the %s it names; driver and executor disagree on the plan format (same spate version?)",
			spec.Name(), short(hash), short(spec.PlanHash))
	}
	c.put(hash, q)
	return q, nil
}

func (c *planCache) get(hash string) (*plan.Query, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	q, ok := c.plans[hash]
	if ok {
		c.touch(hash)
	}
	return q, ok
}

func (c *planCache) put(hash string, q *plan.Query) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.plans[hash]; !ok {
		c.order = append(c.order, hash)
	}
	c.plans[hash] = q
	c.touch(hash)
	for len(c.order) > c.size {
		delete(c.plans, c.order[0])
		c.order = c.order[1:]
	}
}

// touch moves hash to the most recently used end; mu is held.
func (c *planCache) touch(hash string) {
	for i, h := range c.order {
		if h == hash {
			copy(c.order[i:], c.order[i+1:])
			c.order[len(c.order)-1] = hash
			return
		}
	}
}

func short(hash string) string {
	if len(hash) > 12 {
		return hash[:12]
	}
	return hash
}
