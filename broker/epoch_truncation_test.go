package broker

import (
	"testing"

	blog "github.com/spate-io/spate/broker/log"
)

// epochHistory answers EndOffsetForEpoch as broker/log does for a log with
// these (epoch, start offset) entries and log end offset leo.
func epochHistory(leo int64, entries ...blog.EpochEntry) func(int32) (int32, int64) {
	return func(e int32) (int32, int64) {
		for i := len(entries) - 1; i >= 0; i-- {
			if entries[i].Epoch <= e {
				if i+1 < len(entries) {
					return entries[i].Epoch, entries[i+1].StartOffset
				}
				return entries[i].Epoch, leo
			}
		}
		return blog.UndefinedEpoch, blog.UndefinedOffset
	}
}

func TestPlanTruncation(t *testing.T) {
	e := func(epoch int32, start int64) blog.EpochEntry {
		return blog.EpochEntry{Epoch: epoch, StartOffset: start}
	}
	tests := []struct {
		name     string
		leader   epochAnswer
		follower func(int32) (int32, int64)
		leo, hw  int64
		want     truncation
	}{
		{"same history, follower behind", epochAnswer{3, 100}, epochHistory(80, e(1, 0), e(3, 50)), 80, 70, truncation{80, true}},
		{"same epoch, follower has unacknowledged tail", epochAnswer{3, 100}, epochHistory(120, e(1, 0), e(3, 50)), 120, 90, truncation{100, true}},
		{"follower led a later epoch the leader never saw", epochAnswer{3, 100}, epochHistory(130, e(1, 0), e(3, 50), e(4, 110)), 130, 90, truncation{100, true}},
		{"leader's epoch unknown to the follower: cut and ask again", epochAnswer{3, 100}, epochHistory(130, e(1, 0), e(2, 40), e(4, 110)), 130, 90, truncation{110, false}},
		{"follower has no history at or before the epoch", epochAnswer{3, 100}, epochHistory(30, e(5, 0)), 30, 0, truncation{30, true}},
		{"follower has no history, longer than the leader", epochAnswer{3, 10}, epochHistory(30, e(5, 0)), 30, 0, truncation{10, true}},
		{"leader knows nothing: keep what is committed", epochAnswer{blog.UndefinedEpoch, blog.UndefinedOffset}, epochHistory(30, e(0, 0)), 30, 12, truncation{12, true}},
		{"leader knows nothing, high watermark above the log end", epochAnswer{blog.UndefinedEpoch, blog.UndefinedOffset}, epochHistory(30, e(0, 0)), 30, 40, truncation{30, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := planTruncation(tt.leader, tt.follower, tt.leo, tt.hw); got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
