package kafka

import (
	"context"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// maxDialTimeout caps how long one connection attempt may take; a request
// timeout below it shortens it.
const maxDialTimeout = 10 * time.Second

// newClient builds a franz-go client for the options' brokers and checks
// that one of them answers within RequestTimeout, so that a wrong address
// fails at open with a clear error instead of at the first batch.
func newClient(ctx context.Context, o *Options, extra ...kgo.Opt) (*kgo.Client, error) {
	timeout := o.requestTimeout()
	opts := []kgo.Opt{
		kgo.SeedBrokers(o.brokers()...),
		kgo.ClientID(o.clientID()),
		kgo.DialTimeout(min(timeout, maxDialTimeout)),
		kgo.RetryTimeout(timeout),
		kgo.RequestTimeoutOverhead(timeout),
		// Offset listing and fetch routing read cached metadata; a second
		// is fresh enough and keeps pattern subscriptions current.
		kgo.MetadataMinAge(time.Second),
	}
	cl, err := kgo.NewClient(append(opts, extra...)...)
	if err != nil {
		return nil, reachErr(o.brokers(), err)
	}
	pctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := cl.Ping(pctx); err != nil {
		cl.Close()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &UnreachableError{Brokers: o.brokers(), Err: err}
	}
	return cl, nil
}
