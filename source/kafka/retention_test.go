package kafka

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/spate-io/spate/engine/batch"
	"github.com/spate-io/spate/internal/testutil"
)

// TestDataLossByRetention ages data out of spate's broker with
// retention.bytes and reads a range that starts in the deleted part.
func TestDataLossByRetention(t *testing.T) {
	k := newTestKafka(t)
	segment, retain := "1024", "2048"
	k.createTopic(t, "aged", 1, map[string]*string{"segment.bytes": &segment, "retention.bytes": &retain})
	for i := 0; i < 200; i += 10 { // one batch per produce, so segments roll often
		k.produceN(t, "aged", 0, i, 10, 100)
	}
	var logStart int64
	testutil.WaitFor(t, 10*time.Second, 50*time.Millisecond, func() error {
		starts, err := k.adm.ListStartOffsets(ctxT(t), "aged")
		if err != nil {
			return err
		}
		o, _ := starts.Lookup("aged", 0)
		if logStart = o.Offset; logStart <= 0 {
			return fmt.Errorf("log start still %d (err %v)", logStart, o.Err)
		}
		return nil
	})

	src := Subscribe("aged").Brokers(k.addrs...)
	earliest, err := openTestStream(t, src).EarliestOffsets(ctxT(t))
	if got, _ := earliest.Get("aged", 0); err != nil || got != logStart {
		t.Fatalf("earliest %v, %v; want aged-0 at %d", earliest, err, logStart)
	}

	rg := batch.Range{Topic: "aged", From: 0, Until: 200}
	_, _, err = readRange(t, src, rg)
	var lost *DataLossError
	if !errors.As(err, &lost) || lost.From != 0 || lost.Until != logStart {
		t.Fatalf("err %v, want data loss of aged-0 [0,%d)", err, logStart)
	}
	rows, _, err := readRange(t, src.FailOnDataLoss(false), rg)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := offsetsOf(rows), offsetSpan(logStart, 200); !slices.Equal(got, want) {
		t.Fatalf("offsets %v, want %v", brief(got), brief(want))
	}
}
