// Package memory is an in-process streaming source for tests, examples and
// notebooks: rows pushed into named partitions, read back by offset (the
// row's index in its partition), exactly as the engine reads a Kafka
// topic. It implements engine.StreamSource and engine.BatchSource.
//
// A source lives in one process: its plan options hold only its name, and
// decoding the plan finds the source registered under that name here.
//
// # Usage
//
//	src := memory.NewKafkaSource("clicks", 2)        // engine.KafkaSchema rows
//	src.AddValues(0, []byte(`{"user_id":1,"page":"/"}`))
//	df := engine.NewSession("t").ReadStream(src)
//
//	rows := memory.NewSource("events", schema, 1)      // any schema
//	err := rows.AddJSON(0, `{"id":1,"name":"a"}`, `{"id":2,"name":"b"}`)
package memory
