// Package batch holds the data of a micro-batch that every part of spate
// agrees on: where a source stands (Offsets), the exact slice of one
// partition a task reads (Range), the tasks of a batch (Task) and the limits
// that shape it (Limits).
//
// The driver writes a Plan to the checkpoint before any task runs, so a
// restarted query replays batch N with exactly the recorded ranges and
// tasks. The package imports nothing of spate; sources, sinks, the engine,
// the driver and the executors all import it.
//
// # Planning
//
// Next is the micro-batch planner: a pure function from where the sources
// stand (start, latest and earliest offsets, limits, the time) to the next
// Plan, the data it would lose and whether to run it now. It reads no clock
// and does no IO, so the engine's loop and the driver share it, and tests
// drive it from the scripts in testdata/next.
package batch
