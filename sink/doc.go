// Package sink groups spate's sinks; each lives in its own package
// (sink/parquet) and implements the sink interface of package engine.
package sink
