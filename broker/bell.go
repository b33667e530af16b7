package broker

import "sync"

// bell wakes every long-polling Fetch when any partition gets new data:
// waiters take the current channel, ring closes it and installs a new one.
// Waking all fetchers on any append is coarse, but a woken fetch only
// compares end offsets before sleeping again, and it needs no goroutine or
// channel per partition.
type bell struct {
	mu sync.Mutex
	ch chan struct{}
}

// wait returns a channel closed at the next ring.
func (b *bell) wait() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ch == nil {
		b.ch = make(chan struct{})
	}
	return b.ch
}

func (b *bell) ring() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ch != nil {
		close(b.ch)
		b.ch = nil
	}
}
