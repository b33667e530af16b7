// Package executor is the executor process: it registers with a driver, runs
// tasks (read a partition offset range, run the plan fragment, write the
// sink's files) and reports what it did.
package executor
