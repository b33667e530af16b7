package clickgen

import "github.com/apache/arrow-go/v18/arrow"

// Schema is the shape of an event, for FromJSON: every field nullable, ts a
// UTC timestamp in microseconds. examples/clickstream spells out the same
// schema, since an example uses only the public DSL.
var Schema = arrow.NewSchema([]arrow.Field{
	{Name: "user_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "session", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "page", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "action", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, Nullable: true},
	{Name: "duration_ms", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "price", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "country", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "device", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)
