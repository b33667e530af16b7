package log

import "context"

// EndOffsetChanged returns a channel closed the next time the log end
// offset changes (an append or a truncation) or the log closes. Take the
// channel before reading LogEndOffset, or an append in between is missed:
//
//	ch := l.EndOffsetChanged()
//	if l.LogEndOffset() > offset { ... data is there ... }
//	select { case <-ch: case <-ctx.Done(): }
//
// Creating the channel is lazy: appends cost nothing while nobody waits.
func (l *Log) EndOffsetChanged() <-chan struct{} {
	l.waitMu.Lock()
	defer l.waitMu.Unlock()
	if l.waitClosed {
		return closedChan
	}
	if l.waitCh == nil {
		l.waitCh = make(chan struct{})
	}
	return l.waitCh
}

// Wait blocks until the log end offset is above offset (a record at offset
// can be read), the log closes (ErrClosed) or ctx ends (its error).
func (l *Log) Wait(ctx context.Context, offset int64) error {
	for {
		ch := l.EndOffsetChanged()
		if l.LogEndOffset() > offset {
			return nil
		}
		if err := l.checkOpenRead(); err != nil {
			return err
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// closedChan is what EndOffsetChanged returns once the log is closed.
var closedChan = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// notifyClosed wakes every waiter for good.
func (l *Log) notifyClosed() {
	l.waitMu.Lock()
	l.waitClosed = true
	l.waitMu.Unlock()
	l.notify()
}

// notify wakes everyone waiting on EndOffsetChanged.
func (l *Log) notify() {
	l.waitMu.Lock()
	if l.waitCh != nil {
		close(l.waitCh)
		l.waitCh = nil
	}
	l.waitMu.Unlock()
}

func (l *Log) checkOpenRead() error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.checkOpen()
}
