package clickgen

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Config says what to produce.
type Config struct {
	// Brokers is the bootstrap list. Required.
	Brokers []string
	// Topic receives the events; it is created by the broker on first
	// produce when auto-creation is on. Required.
	Topic string
	// Rate is the events per second; the default 0 means as fast as the
	// broker takes them.
	Rate int
	// Count stops after this many events; the default 0 means until ctx ends.
	Count int64
	// Malformed is the share of events (0..1) written as truncated JSON. The
	// default is 0.
	Malformed float64
	// Seed makes the events reproducible. The default is 1.
	Seed uint64
	// Now gives event timestamps; the default is time.Now.
	Now func() time.Time
}

// Producer writes events and counts what the broker acknowledged.
type Producer struct {
	cfg   Config
	acked atomic.Int64
	fail  atomic.Pointer[error]
}

// New checks cfg and returns a producer.
func New(cfg Config) (*Producer, error) {
	if len(cfg.Brokers) == 0 || cfg.Topic == "" {
		return nil, errors.New("clickgen: Brokers and Topic are required")
	}
	if cfg.Malformed < 0 || cfg.Malformed > 1 {
		return nil, fmt.Errorf("clickgen: Malformed must be within 0..1, got %v", cfg.Malformed)
	}
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Producer{cfg: cfg}, nil
}

// Acked is the number of events the broker acknowledged so far.
func (p *Producer) Acked() int64 { return p.acked.Load() }

// Run produces until ctx ends or Count events are acknowledged, and returns
// the first produce error, if any.
func (p *Producer) Run(ctx context.Context) error {
	cl, err := kgo.NewClient(kgo.SeedBrokers(p.cfg.Brokers...), kgo.DefaultProduceTopic(p.cfg.Topic),
		kgo.ProducerLinger(5*time.Millisecond), kgo.AllowAutoTopicCreation())
	if err != nil {
		return fmt.Errorf("clickgen: %w", err)
	}
	defer cl.Close()
	tick := newPacer(p.cfg.Rate)
	every := malformedEvery(p.cfg.Malformed)
	for i := int64(0); p.cfg.Count == 0 || i < p.cfg.Count; i++ {
		if err := tick.wait(ctx); err != nil {
			break
		}
		if e := p.fail.Load(); e != nil {
			return *e
		}
		value := Event(nil, p.cfg.Seed, i, p.cfg.Now())
		if every > 0 && i%every == every-1 {
			value = value[:len(value)/2]
		}
		rec := &kgo.Record{Key: Key(nil, p.cfg.Seed, i), Value: value}
		cl.Produce(ctx, rec, p.promise)
	}
	if err := cl.Flush(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("clickgen: flushing: %w", err)
	}
	if e := p.fail.Load(); e != nil {
		return *e
	}
	return nil
}

func (p *Producer) promise(_ *kgo.Record, err error) {
	if err == nil {
		p.acked.Add(1)
		return
	}
	if !errors.Is(err, context.Canceled) {
		err = fmt.Errorf("clickgen: produce to %s: %w", p.cfg.Topic, err)
		p.fail.CompareAndSwap(nil, &err)
	}
}

// malformedEvery turns a share into "every n-th event": 0 means never.
func malformedEvery(share float64) int64 {
	if share <= 0 {
		return 0
	}
	return int64(1/share + 0.5)
}
