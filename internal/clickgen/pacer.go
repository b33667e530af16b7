package clickgen

import (
	"context"
	"time"
)

// pacer spaces events to a rate, in steps of 1ms worth of events so that
// high rates do not sleep per event.
type pacer struct {
	rate  int
	start time.Time
	sent  int64
}

func newPacer(rate int) *pacer { return &pacer{rate: rate, start: time.Now()} }

// wait returns when the next event may go, or ctx's error.
func (p *pacer) wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	p.sent++
	if p.rate <= 0 {
		return nil
	}
	due := p.start.Add(time.Duration(float64(p.sent) / float64(p.rate) * float64(time.Second)))
	if d := time.Until(due); d > time.Millisecond {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}
