package engine

import "github.com/apache/arrow-go/v18/arrow"

// The Kafka input schema, column for column as Spark's Kafka source names
// and types them (key, value, topic, partition, offset, timestamp,
// timestampType, and headers when asked for). Spark's timestamp is
// microseconds; Kafka's is milliseconds, and the column keeps Kafka's
// precision so no value is rounded on the way in. Time functions accept any
// unit.
var (
	// KafkaHeaderType is one record header: struct<key string, value binary>.
	KafkaHeaderType = arrow.StructOf(
		arrow.Field{Name: "key", Type: arrow.BinaryTypes.String},
		arrow.Field{Name: "value", Type: arrow.BinaryTypes.Binary, Nullable: true},
	)
	// KafkaHeadersType is a record's headers: array<struct<key, value>>.
	KafkaHeadersType = arrow.ListOfField(arrow.Field{Name: "element", Type: KafkaHeaderType})

	// KafkaTimestampType is timestamp[ms, UTC], the type of the timestamp
	// column.
	KafkaTimestampType = &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}

	// KafkaSchema is the schema of records read from Kafka without headers.
	KafkaSchema = arrow.NewSchema(kafkaFields(false), nil)
	// KafkaSchemaWithHeaders is KafkaSchema plus the headers column, for a
	// source with includeHeaders set.
	KafkaSchemaWithHeaders = arrow.NewSchema(kafkaFields(true), nil)
)

// Kafka column names, for code that looks columns up by name.
const (
	KafkaKey           = "key"
	KafkaValue         = "value"
	KafkaTopic         = "topic"
	KafkaPartition     = "partition"
	KafkaOffset        = "offset"
	KafkaTimestamp     = "timestamp"
	KafkaTimestampKind = "timestampType"
	KafkaHeaders       = "headers"
)

// Kafka timestampType values: 0 when the producer set the time, 1 when the
// broker did (the topic's message.timestamp.type is LogAppendTime).
const (
	KafkaCreateTime    int32 = 0
	KafkaLogAppendTime int32 = 1
)

func kafkaFields(headers bool) []arrow.Field {
	fs := []arrow.Field{
		{Name: KafkaKey, Type: arrow.BinaryTypes.Binary, Nullable: true},
		{Name: KafkaValue, Type: arrow.BinaryTypes.Binary, Nullable: true},
		{Name: KafkaTopic, Type: arrow.BinaryTypes.String},
		{Name: KafkaPartition, Type: arrow.PrimitiveTypes.Int32},
		{Name: KafkaOffset, Type: arrow.PrimitiveTypes.Int64},
		{Name: KafkaTimestamp, Type: KafkaTimestampType},
		{Name: KafkaTimestampKind, Type: arrow.PrimitiveTypes.Int32},
	}
	if headers {
		fs = append(fs, arrow.Field{Name: KafkaHeaders, Type: KafkaHeadersType, Nullable: true})
	}
	return fs
}
