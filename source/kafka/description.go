package kafka

import (
	"fmt"
	"sort"
	"strings"
)

// Description names the source in query progress the way Spark's Kafka
// source does: KafkaV2[Subscribe[clicks,views]], KafkaV2[SubscribePattern[c.*]]
// or KafkaV2[Assign[clicks-0, clicks-1]].
func (s *Source) Description() string {
	o := s.Options().(Options)
	switch {
	case o.SubscribePattern != "":
		return fmt.Sprintf("KafkaV2[SubscribePattern[%s]]", o.SubscribePattern)
	case len(o.Assign) > 0:
		var parts []string
		for t, ps := range o.Assign {
			for _, p := range ps {
				parts = append(parts, fmt.Sprintf("%s-%d", t, p))
			}
		}
		sort.Strings(parts)
		return fmt.Sprintf("KafkaV2[Assign[%s]]", strings.Join(parts, ", "))
	}
	return fmt.Sprintf("KafkaV2[Subscribe[%s]]", strings.Join(o.Subscribe, ","))
}
