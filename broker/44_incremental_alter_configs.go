package broker

import (
	"context"
	"fmt"
	"maps"

	"github.com/spate-io/spate/broker/cluster"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// IncrementalAlterConfigs v0-1.
// TOPIC resources: SET and DELETE of the known topic configs; APPEND and
// SUBTRACT are refused with INVALID_CONFIG. Every change of a resource is
// validated before any is applied. Broker configs are static.

func init() { register(44, 0, 1, true, (*Broker).handleIncrementalAlterConfigs) }

func (b *Broker) handleIncrementalAlterConfigs(cx *reqCtx) (kmsg.Response, error) {
	req := cx.req.(*kmsg.IncrementalAlterConfigsRequest)
	resp := req.ResponseKind().(*kmsg.IncrementalAlterConfigsResponse)
	for _, rr := range req.Resources {
		sr := kmsg.NewIncrementalAlterConfigsResponseResource()
		sr.ResourceType, sr.ResourceName = rr.ResourceType, rr.ResourceName
		err := b.alterTopicConfigs(cx.ctx, rr, req.ValidateOnly)
		sr.ErrorCode = errorCode(err)
		if err != nil {
			msg := err.Error()
			sr.ErrorMessage = &msg
		}
		resp.Resources = append(resp.Resources, sr)
	}
	return resp, nil
}

func (b *Broker) alterTopicConfigs(ctx context.Context, rr kmsg.IncrementalAlterConfigsRequestResource, validateOnly bool) error {
	if rr.ResourceType != kmsg.ConfigResourceTypeTopic {
		return newTopicError(kerr.InvalidRequest, "only topic configs can be altered; broker configs are set at start-up")
	}
	t, ok := b.meta().Topic(rr.ResourceName)
	if !ok {
		return newTopicError(kerr.UnknownTopicOrPartition, "topic %s does not exist", rr.ResourceName)
	}
	next, err := applyConfigOps(t.Configs, rr.Configs)
	if err == nil {
		_, err = logConfig(b.cfg, next)
	}
	if err != nil {
		return newTopicError(kerr.InvalidConfig, "topic %s: %v", rr.ResourceName, err)
	}
	if validateOnly {
		return nil
	}
	cmd := &cluster.AlterConfigs{Topic: rr.ResourceName, Set: next}
	for k := range t.Configs {
		if _, ok := next[k]; !ok {
			cmd.Delete = append(cmd.Delete, k)
		}
	}
	_, err = b.apply(ctx, cmd)
	return err
}

// applyConfigOps returns overrides with ops applied, or the first invalid op.
func applyConfigOps(overrides map[string]string, ops []kmsg.IncrementalAlterConfigsRequestResourceConfig) (map[string]string, error) {
	next := maps.Clone(overrides)
	if next == nil {
		next = map[string]string{}
	}
	for _, op := range ops {
		switch op.Op {
		case kmsg.IncrementalAlterConfigOpSet:
			if err := validateTopicConfig(op.Name, op.Value); err != nil {
				return nil, err
			}
			next[op.Name] = *op.Value
		case kmsg.IncrementalAlterConfigOpDelete:
			if _, ok := topicConfigs[op.Name]; !ok {
				return nil, fmt.Errorf("unknown topic config %q", op.Name)
			}
			delete(next, op.Name)
		default:
			return nil, fmt.Errorf("operation %v on %s is not supported; use SET or DELETE", op.Op, op.Name)
		}
	}
	return next, nil
}
