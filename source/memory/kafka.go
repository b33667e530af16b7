package memory

import (
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/spate-io/spate/engine"
)

// Message is one Kafka-shaped row for AddMessages.
type Message struct {
	Key   []byte
	Value []byte
	// Timestamp is the record time; the zero value gives the Unix epoch
	// plus the offset in milliseconds, so replays are identical.
	Timestamp time.Time
}

// AddValues appends Kafka values (nil for a null value) to partition p of
// a Kafka source.
func (s *Source) AddValues(p int, values ...[]byte) error {
	msgs := make([]Message, len(values))
	for i, v := range values {
		msgs[i] = Message{Value: v}
	}
	return s.AddMessages(p, msgs...)
}

// AddMessages appends Kafka records to partition p of a Kafka source; the
// topic, partition and offset columns are filled in.
func (s *Source) AddMessages(p int, msgs ...Message) error {
	if !s.kafka {
		return fmt.Errorf("memory: source %s is not Kafka-shaped; use Add or AddJSON", s.name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	part, err := s.partition(p)
	if err != nil {
		return err
	}
	if len(msgs) == 0 {
		return nil
	}
	rec := s.kafkaRecord(int32(p), part.rows, msgs)
	part.recs = append(part.recs, rec)
	part.starts = append(part.starts, part.rows)
	part.rows += int64(len(msgs))
	return nil
}

func (s *Source) kafkaRecord(p int32, first int64, msgs []Message) arrow.RecordBatch {
	b := array.NewRecordBuilder(s.mem, engine.KafkaSchema)
	defer b.Release()
	key := b.Field(0).(*array.BinaryBuilder)
	val := b.Field(1).(*array.BinaryBuilder)
	topic := b.Field(2).(*array.StringBuilder)
	part := b.Field(3).(*array.Int32Builder)
	off := b.Field(4).(*array.Int64Builder)
	ts := b.Field(5).(*array.TimestampBuilder)
	tsType := b.Field(6).(*array.Int32Builder)
	for i, m := range msgs {
		if m.Key == nil {
			key.AppendNull()
		} else {
			key.Append(m.Key)
		}
		if m.Value == nil {
			val.AppendNull()
		} else {
			val.Append(m.Value)
		}
		topic.Append(s.name)
		part.Append(p)
		offset := first + int64(i)
		off.Append(offset)
		ms := offset
		if !m.Timestamp.IsZero() {
			ms = m.Timestamp.UnixMilli()
		}
		ts.Append(arrow.Timestamp(ms))
		tsType.Append(engine.KafkaCreateTime)
	}
	return b.NewRecordBatch()
}
