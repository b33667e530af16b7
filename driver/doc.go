// Package driver is the driver service: it runs many streaming queries,
// each with the engine's micro-batch loop (engine.RunQuery: plan batch N,
// record it in the checkpoint, run its tasks, commit the sink, then the
// batch), and schedules their tasks on executor processes.
//
// Executors register over HTTP with their version, task address, slots and
// UDF names, heartbeat, and join the driver's memberlist. A task goes to
// the live executor with a free slot that ranks highest for the task's
// topic-partition by rendezvous hashing, so partitions stick to executors
// across batches; a failed task is retried on another executor up to
// Config.MaxTaskAttempts times, after which the batch fails the query with
// an error naming the task and its last cause (the checkpoint is intact).
// An executor that misses its heartbeats, fails memberlist's probes, breaks
// a connection or leaves is dead at once: its running tasks are cancelled
// and go elsewhere. With no executor alive a batch waits and the query's
// status says "Waiting for executors".
//
// The driver keeps the submitted queries and their desired state in its
// data folder; a restarted driver resumes the running ones from their
// checkpoints. docs/api.md documents the HTTP API; Client calls it.
//
// # Usage
//
//	d, err := driver.New(driver.Config{Listen: "127.0.0.1:7077", DataDir: ".spate/driver", Version: cmd.Version})
//	if err != nil { ... }
//	if err := d.Start(); err != nil { ... }
//	defer d.Close()
//
//	c := driver.NewClient("127.0.0.1:7077")
//	resp, err := c.Submit(ctx, planJSON) // the output of `<job> plan`
//	st, err := c.Status(ctx, resp.Name)  // state, batchId, numInputRows, sources' offsets
package driver
