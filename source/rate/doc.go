// Package rate is Spark's rate source: a stream of rows (timestamp, value)
// at a steady rate, for demos and benchmarks. Row v (value v, counting
// from 0 over all partitions) goes to partition v mod numPartitions at
// offset v div numPartitions, and its timestamp is a pure function of v
// and the options (when the v+1'th row is due, counting from StartTimeMs,
// the rate ramping up linearly over RampUpTime), so a replayed batch
// produces the same rows.
//
// # Usage
//
//	src := rate.New(rate.Options{RowsPerSecond: 1000, NumPartitions: 4})
//	df := engine.NewSession("demo").ReadStream(src) // columns timestamp, value
package rate
