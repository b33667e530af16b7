package kafka

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/spate-io/spate/engine/batch"
)

// subscription says which partitions a source reads and finds them on the
// cluster: named topics, a pattern re-evaluated at every call, or assigned
// partitions.
type subscription struct {
	topics  []string
	pattern *regexp.Regexp
	assign  map[string][]int32
}

func newSubscription(o *Options) (*subscription, error) {
	sub := &subscription{topics: o.Subscribe, assign: o.Assign}
	if o.SubscribePattern != "" {
		// Spark matches the whole topic name (Java's Matcher.matches).
		re, err := regexp.Compile("^(?:" + o.SubscribePattern + ")$")
		if err != nil {
			return nil, fmt.Errorf("kafka: SubscribePattern %q is not a valid regular expression: %w", o.SubscribePattern, err)
		}
		sub.pattern = re
	}
	return sub, nil
}

// partitions lists the partitions read now, per topic. A subscribed topic
// that does not exist (yet) has no partitions, as in Spark. An assigned
// partition that does not exist is an error unless known says the source
// has seen it before: then it was deleted, which the caller reports as data
// loss.
func (sub *subscription) partitions(ctx context.Context, adm *kadm.Client, known func(batch.TopicPartition) bool) (partitionSet, error) {
	details, err := sub.describe(ctx, adm)
	if err != nil {
		return nil, err
	}
	if sub.assign != nil {
		return assignedPartitions(sub.assign, details, known)
	}
	set := make(partitionSet)
	for _, t := range slices.Sorted(maps.Keys(details)) {
		d := details[t]
		if errors.Is(d.Err, kerr.UnknownTopicOrPartition) {
			continue
		}
		if d.Err != nil {
			return nil, fmt.Errorf("kafka: cannot describe topic %s: %w", t, d.Err)
		}
		for p := range d.Partitions {
			set.add(t, p)
		}
	}
	return set, nil
}

// describe fetches the metadata of the topics the subscription may read.
func (sub *subscription) describe(ctx context.Context, adm *kadm.Client) (kadm.TopicDetails, error) {
	switch {
	case sub.pattern != nil:
		all, err := adm.ListTopics(ctx)
		if err != nil {
			return nil, err
		}
		return matchingTopics(all, sub.pattern), nil
	case sub.assign != nil:
		return adm.ListTopics(ctx, slices.Sorted(maps.Keys(sub.assign))...)
	default:
		return adm.ListTopics(ctx, sub.topics...)
	}
}

// matchingTopics keeps the non-internal topics whose whole name matches re.
func matchingTopics(all kadm.TopicDetails, re *regexp.Regexp) kadm.TopicDetails {
	out := make(kadm.TopicDetails)
	for t, d := range all {
		if d.IsInternal || len(t) >= 2 && t[:2] == "__" {
			continue
		}
		if re.MatchString(t) {
			out[t] = d
		}
	}
	return out
}

// assignedPartitions keeps the assigned partitions that exist; a missing
// one that known does not vouch for is an error.
func assignedPartitions(assign map[string][]int32, details kadm.TopicDetails, known func(batch.TopicPartition) bool) (partitionSet, error) {
	set := make(partitionSet)
	for _, t := range slices.Sorted(maps.Keys(assign)) {
		d, ok := details[t]
		exists := ok && !errors.Is(d.Err, kerr.UnknownTopicOrPartition)
		if exists && d.Err != nil {
			return nil, fmt.Errorf("kafka: cannot describe assigned topic %s: %w", t, d.Err)
		}
		ps := append([]int32(nil), assign[t]...)
		sort.Slice(ps, func(i, j int) bool { return ps[i] < ps[j] })
		for _, p := range ps {
			tp := batch.TopicPartition{Topic: t, Partition: p}
			switch _, found := d.Partitions[p]; {
			case exists && found:
				set.add(t, p)
			case known(tp):
				// deleted since the source saw it: reported as data loss
			case !exists:
				return nil, fmt.Errorf("kafka: assigned topic %s does not exist", t)
			default:
				return nil, fmt.Errorf("kafka: assigned partition %s does not exist (topic %s has %d partitions)", tp, t, len(d.Partitions))
			}
		}
	}
	return set, nil
}
