// Package executor is the executor process: it registers with a driver
// (with its version, task address, slots and the UDFs its binary has),
// heartbeats, joins the cluster's memberlist, and runs the tasks the
// driver sends to POST /api/v1/tasks, at most Slots at a time.
//
// A task reads exact partition offset ranges with a warm reader kept per
// source (one kgo client per broker list), runs the plan through the
// engine's pipeline, writes the sink's task output and answers with the
// task's result (rows, duration, the sink's commit message). Plans are
// cached by plan hash, so the driver may leave the plan out of later
// tasks; a task naming a plan the executor lacks is answered with
// driver.CodePlanUnknown and sent again with its plan. A driver that
// forgets the executor (it restarted) is answered by registering again; a
// driver of another version refuses the executor, which says so in its log
// and keeps asking.
//
// # Usage
//
//	e, err := executor.New(executor.Config{Driver: "127.0.0.1:7077", Version: cmd.Version, Name: "executor-1", Slots: 2})
//	if err != nil { ... }
//	if err := e.Start(); err != nil { ... }
//	defer e.Close()
package executor
