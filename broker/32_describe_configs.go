package broker

import (
	"slices"
	"sort"
	"strconv"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// DescribeConfigs v0-4.
// TOPIC resources list every known topic config with its effective value
// (DYNAMIC_TOPIC_CONFIG for overrides, DEFAULT_CONFIG otherwise); BROKER
// resources list the broker settings that shape topics, read-only.

func init() { register(32, 0, 4, false, (*Broker).handleDescribeConfigs) }

func (b *Broker) handleDescribeConfigs(cx *reqCtx) (kmsg.Response, error) {
	req := cx.req.(*kmsg.DescribeConfigsRequest)
	resp := req.ResponseKind().(*kmsg.DescribeConfigsResponse)
	for _, rr := range req.Resources {
		sr := kmsg.NewDescribeConfigsResponseResource()
		sr.ResourceType, sr.ResourceName = rr.ResourceType, rr.ResourceName
		switch rr.ResourceType {
		case kmsg.ConfigResourceTypeTopic:
			t, ok := b.meta().Topic(rr.ResourceName)
			if !ok {
				sr.ErrorCode = kerr.UnknownTopicOrPartition.Code
				msg := "broker: topic " + rr.ResourceName + " does not exist"
				sr.ErrorMessage = &msg
				break
			}
			sr.Configs = describeTopicConfigs(b.cfg.topicConfigDefaults(), t.Configs, rr.ConfigNames, req.IncludeDocumentation)
		case kmsg.ConfigResourceTypeBroker:
			if rr.ResourceName != "" && rr.ResourceName != strconv.Itoa(int(b.cfg.NodeID)) {
				sr.ErrorCode = kerr.InvalidRequest.Code
				msg := "broker: this is broker " + strconv.Itoa(int(b.cfg.NodeID)) + ", not " + rr.ResourceName
				sr.ErrorMessage = &msg
				break
			}
			sr.Configs = describeBrokerConfigs(b.cfg, rr.ConfigNames)
		default:
			sr.ErrorCode = kerr.InvalidRequest.Code
			msg := "broker: DescribeConfigs supports TOPIC and BROKER resources"
			sr.ErrorMessage = &msg
		}
		resp.Resources = append(resp.Resources, sr)
	}
	return resp, nil
}

func describeTopicConfigs(defaults, overrides map[string]string, names []string, docs bool) []kmsg.DescribeConfigsResponseResourceConfig {
	var out []kmsg.DescribeConfigsResponseResourceConfig
	for _, name := range sortedKeys(defaults) {
		if names != nil && !slices.Contains(names, name) {
			continue
		}
		c := kmsg.NewDescribeConfigsResponseResourceConfig()
		c.Name = name
		v, src := defaults[name], kmsg.ConfigSourceDefaultConfig
		if o, ok := overrides[name]; ok {
			v, src = o, kmsg.ConfigSourceDynamicTopicConfig
		}
		c.Value, c.Source, c.IsDefault = &v, src, src == kmsg.ConfigSourceDefaultConfig
		c.ConfigType = topicConfigs[name].typ
		if src == kmsg.ConfigSourceDynamicTopicConfig {
			syn := kmsg.NewDescribeConfigsResponseResourceConfigConfigSynonym()
			syn.Name, syn.Value, syn.Source = name, &v, src
			c.ConfigSynonyms = append(c.ConfigSynonyms, syn)
		}
		out = append(out, c)
	}
	return out
}

func describeBrokerConfigs(cfg Config, names []string) []kmsg.DescribeConfigsResponseResourceConfig {
	autoCreate := strconv.FormatBool(!cfg.DisableAutoCreate)
	vals := map[string]string{
		"broker.id":                        strconv.Itoa(int(cfg.NodeID)),
		"node.id":                          strconv.Itoa(int(cfg.NodeID)),
		"log.dirs":                         cfg.DataDir,
		"auto.create.topics.enable":        autoCreate,
		"num.partitions":                   strconv.Itoa(int(cfg.DefaultPartitions)),
		"offsets.topic.num.partitions":     strconv.Itoa(int(cfg.OffsetsTopicPartitions)),
		"offsets.topic.replication.factor": strconv.Itoa(int(cfg.OffsetsTopicReplicationFactor)),
		"default.replication.factor":       strconv.Itoa(int(cfg.DefaultReplicationFactor)),
		"replica.lag.time.max.ms":          strconv.FormatInt(cfg.ReplicaLagTimeMax.Milliseconds(), 10),
		"replica.fetch.wait.max.ms":        strconv.FormatInt(cfg.ReplicaFetchWaitMax.Milliseconds(), 10),
		"auto.leader.rebalance.enable":     strconv.FormatBool(!cfg.Cluster.DisableAutoLeaderRebalance),
		"socket.request.max.bytes":         strconv.Itoa(int(cfg.MaxRequestBytes)),
		"group.initial.rebalance.delay.ms": strconv.FormatInt(cfg.GroupInitialRebalanceDelay.Milliseconds(), 10),
		"group.min.session.timeout.ms":     strconv.FormatInt(cfg.GroupMinSessionTimeout.Milliseconds(), 10),
		"group.max.session.timeout.ms":     strconv.FormatInt(cfg.GroupMaxSessionTimeout.Milliseconds(), 10),
		"log.segment.bytes":                strconv.FormatInt(cfg.SegmentBytes, 10),
		"log.retention.ms":                 strconv.FormatInt(cfg.RetentionAge.Milliseconds(), 10),
		"log.retention.bytes":              strconv.FormatInt(cfg.RetentionBytes, 10),
	}
	var out []kmsg.DescribeConfigsResponseResourceConfig
	for _, name := range sortedKeys(vals) {
		if names != nil && !slices.Contains(names, name) {
			continue
		}
		c := kmsg.NewDescribeConfigsResponseResourceConfig()
		v := vals[name]
		c.Name, c.Value, c.ReadOnly = name, &v, true
		c.Source = kmsg.ConfigSourceStaticBrokerConfig
		out = append(out, c)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
