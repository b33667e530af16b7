// Package driver runs streaming queries as micro-batches: it plans the exact
// offset range of every source partition for batch N, records the plan in
// the checkpoint before any task runs, runs the tasks on executors, commits
// the sink and then the batch, so that a crash anywhere replays to
// exactly-once output.
package driver
