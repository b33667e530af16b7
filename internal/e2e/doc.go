// Package e2e holds spate's end-to-end tests: job programs built and run as
// real processes against a real broker, killed at every step of the batch
// protocol, with their Parquet output read back by an independent reader
// (parquet-go, not the Arrow writer) and compared with what the broker
// holds.
package e2e
