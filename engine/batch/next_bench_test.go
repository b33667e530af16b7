package batch

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkNext plans a batch over many partitions with every limit in
// play: the planner's cost per trigger.
func BenchmarkNext(b *testing.B) {
	for _, parts := range []int{10, 1000} {
		in := PlanInput{BatchID: 42, Now: time.UnixMilli(1e12), Sources: []SourceInput{{
			Start: Offsets{}, Latest: Offsets{}, Earliest: Offsets{},
			Limits: Limits{MaxOffsetsPerTrigger: 1_000_000, MinPartitions: 2 * parts},
		}}}
		for p := range int32(parts) {
			s := in.Sources[0]
			s.Start.Set("clicks", p, int64(p)*1000)
			s.Latest.Set("clicks", p, int64(p)*1000+int64(p%17)*5000+1)
			s.Earliest.Set("clicks", p, 0)
		}
		b.Run(fmt.Sprintf("partitions=%d", parts), func(b *testing.B) {
			for b.Loop() {
				if _, err := Next(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
