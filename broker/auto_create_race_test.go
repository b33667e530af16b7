package broker_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/spate-io/spate/broker"
	"github.com/spate-io/spate/broker/brokertest"
)

// TestRacingAutoCreatesAreRetriable asks every broker at once for a new
// topic with auto-creation on, as producers do: a broker whose creation
// lost the race and has not applied the winner's topic yet must answer a
// retriable LEADER_NOT_AVAILABLE, never TOPIC_ALREADY_EXISTS, which fails
// the producer (it stopped spate dev's event generator).
func TestRacingAutoCreatesAreRetriable(t *testing.T) {
	c := brokertest.StartCluster(t, 3, func(id int32, cfg *broker.Config) { cfg.DefaultReplicationFactor = 3 })
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.Addrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// Every broker is asked at once for a topic nobody created: one
	// auto-creates it, the others race it and may not have applied it yet.
	for i := 0; i < 20; i++ {
		topic := fmt.Sprintf("fresh-%d", i)
		errs := make(chan error, 3)
		for _, id := range []int{1, 2, 3} {
			go func() { errs <- askWithAutoCreate(ctx, cl, id, topic) }()
		}
		for range 3 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
	}
}

// askWithAutoCreate sends broker id a Metadata request for topic with
// auto-creation on and accepts success or LEADER_NOT_AVAILABLE.
func askWithAutoCreate(ctx context.Context, cl *kgo.Client, id int, topic string) error {
	req := kmsg.NewPtrMetadataRequest()
	req.AllowAutoTopicCreation = true
	rt := kmsg.NewMetadataRequestTopic()
	rt.Topic = kmsg.StringPtr(topic)
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(ctx, cl.Broker(id))
	if err != nil {
		return err
	}
	switch code := resp.Topics[0].ErrorCode; code {
	case 0, kerr.LeaderNotAvailable.Code:
		return nil
	default:
		return fmt.Errorf("broker %d answers %v for %s, want success or LEADER_NOT_AVAILABLE", id, kerr.ErrorForCode(code), topic)
	}
}
