// Package clickgen produces a clickstream of JSON events to Kafka for the
// demo (`spate dev`), the examples and the end-to-end benchmarks.
//
// Events are deterministic for a seed and an index, so a benchmark or a test
// can know what the broker holds without reading it back:
//
//	{"user_id":4211,"session":"s-4211-7","page":"/products/42","action":"click",
//	 "ts":"2026-11-25T10:11:12.123Z","duration_ms":532,"price":19.99,
//	 "country":"DE","device":"mobile"}
//
// A configurable share of events is malformed (truncated JSON), to show how
// a job's FromJSON mode treats bad input.
package clickgen
