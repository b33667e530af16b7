package batch

import (
	"fmt"
	"strings"
)

// DataLossKind says how offsets were lost.
type DataLossKind int

const (
	// LostToRetention: the query stood at From but the partition's
	// earliest offset is Until: [From, Until) was deleted unread.
	LostToRetention DataLossKind = iota + 1
	// LostNewPartition: a partition appeared whose earliest offset is
	// Until instead of 0: [0, Until) was deleted before the query saw it.
	LostNewPartition
	// LostOffsetReset: the latest offset went back from From to Until,
	// e.g. the topic was deleted and created again; records written after
	// From before the change are missed.
	LostOffsetReset
	// LostPartitionGone: the partition no longer exists (its topic was
	// deleted); the query stood at From and reads it no more.
	LostPartitionGone
)

// DataLoss is one partition's lost offsets.
type DataLoss struct {
	Source int
	TopicPartition
	Kind DataLossKind
	// From and Until bound the offsets involved; see the kinds.
	From, Until int64
}

// String is one sentence saying what was lost.
func (d DataLoss) String() string {
	tp := d.TopicPartition
	switch d.Kind {
	case LostToRetention:
		return fmt.Sprintf("offsets [%d,%d) of %s were deleted (retention) before the query read them", d.From, d.Until, tp)
	case LostNewPartition:
		return fmt.Sprintf("new partition %s starts at offset %d instead of 0: offsets [0,%d) were deleted before the query read them", tp, d.Until, d.Until)
	case LostOffsetReset:
		return fmt.Sprintf("the latest offset of %s went back from %d to %d (topic recreated or log truncated?); records written after %d may be missed", tp, d.From, d.Until, d.From)
	case LostPartitionGone:
		return fmt.Sprintf("partition %s is gone (topic deleted?); the query stood at offset %d and reads it no more", tp, d.From)
	}
	return fmt.Sprintf("unknown data loss of %s [%d,%d)", tp, d.From, d.Until)
}

// DataLossError is the error a query fails with when failOnDataLoss is set
// and a batch would skip offsets.
type DataLossError struct {
	BatchID int64
	Losses  []DataLoss
}

func (e *DataLossError) Error() string {
	msgs := make([]string, len(e.Losses))
	for i, d := range e.Losses {
		msgs[i] = fmt.Sprintf("source %d: %s", d.Source, d)
	}
	return fmt.Sprintf("batch: batch %d would lose data: %s; set failOnDataLoss=false to skip lost offsets and go on",
		e.BatchID, strings.Join(msgs, "; "))
}

// DataLossError returns a *DataLossError for the output's data loss, or nil
// when there is none.
func (o PlanOutput) DataLossError() error {
	if len(o.DataLoss) == 0 {
		return nil
	}
	return &DataLossError{BatchID: o.BatchID, Losses: o.DataLoss}
}
