package kafka

import "testing"

func TestDescriptionNamesTheSubscriptionAsSpark(t *testing.T) {
	for _, c := range []struct {
		src  *Source
		want string
	}{
		{Subscribe("clicks", "views"), "KafkaV2[Subscribe[clicks,views]]"},
		{SubscribePattern("c.*"), "KafkaV2[SubscribePattern[c.*]]"},
		{Assign(map[string][]int32{"clicks": {1, 0}}), "KafkaV2[Assign[clicks-0, clicks-1]]"},
	} {
		if got := c.src.Description(); got != c.want {
			t.Errorf("Description() = %q, want %q", got, c.want)
		}
	}
}
