package batch_test

import (
	"fmt"
	"time"

	"github.com/spate-io/spate/engine/batch"
)

// The loop asks the source where it stands, then lets Next decide.
func ExampleNext() {
	out, err := batch.Next(batch.PlanInput{
		BatchID: 7,
		Now:     time.UnixMilli(60_000),
		Sources: []batch.SourceInput{{
			Start:    batch.Offsets{"clicks": {0: 100, 1: 100}},
			Latest:   batch.Offsets{"clicks": {0: 190, 1: 110}},
			Earliest: batch.Offsets{"clicks": {0: 0, 1: 0}},
			Limits:   batch.Limits{MaxOffsetsPerTrigger: 50},
		}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := out.DataLossError(); err != nil {
		fmt.Println(err) // fail, or log and go on when failOnDataLoss=false
	}
	if !out.Run {
		fmt.Println("nothing to do")
		return
	}
	for _, t := range out.Plan.Tasks {
		fmt.Println(t.ID, t.Ranges[0])
	}
	// Output:
	// 0 clicks-0[100,145)
	// 1 clicks-1[100,105)
}
