// Package checkpoint is a streaming query's durable memory: which query it
// is, what each batch reads, and which batches are done, so that a query
// restarted after a crash at any point replays to exactly-once output.
//
// # Layout
//
//	<checkpoint>/metadata      query id, name, plan hash (written once)
//	<checkpoint>/plan.json     the plan as submitted, byte for byte
//	<checkpoint>/offsets/<N>   batch N's batch.Plan: ranges, tasks, watermark, time
//	<checkpoint>/commits/<N>   batch N done, with the next batch's watermark
//	<checkpoint>/state/...     state stores (StateDir), kept by their operators
//
// Every file but plan.json starts with a version line ("v1", as Spark's
// logs do), then one JSON value. A file of an unknown version is refused
// (*UnsupportedVersionError), a file that does not decode, is truncated or
// contradicts its name is refused (*CorruptError); both name the file.
// Nothing is silently skipped. Every write is atomic and durable (see FS
// and Local): a crash leaves the old file or the new one, and at worst a
// temporary file that Open removes.
//
// # Protocol
//
// The micro-batch loop (in package engine, reused by the driver) follows
// this order; each step is safe to crash after:
//
//  1. Open the checkpoint, then Recover: Fresh plans batch 0; Rerun runs
//     batch N again with exactly the recorded plan; Continue plans batch
//     N+1 from batch N's end offsets.
//  2. Plan batch N (batch.Next) and WriteOffsets before any task runs. A
//     crash from here to step 4 reruns batch N with this plan.
//  3. Run the tasks; then commit the sink for batch N (idempotent: a rerun
//     commits the same output again).
//  4. WriteCommit(N): batch N is done. A crash after it plans N+1.
//  5. Commit the end offsets to the query's Kafka consumer group
//     (advisory, for lag tools; the checkpoint is the truth).
//  6. Purge old batches (DefaultMinBatchesToRetain).
//
// WriteOffsets and WriteCommit enforce the order: batch N+1 is written
// only after commits/N, and each file only once, so a second run of the
// same query on the same checkpoint fails instead of interleaving.
//
// # Usage
//
//	ckpt, err := checkpoint.Open(dir, checkpoint.Metadata{ID: id, Name: name, PlanHash: hash}, planJSON)
//	rec, err := ckpt.Recover()
//	switch rec.Action {
//	case checkpoint.Rerun:
//		run(rec.Plan) // exactly as recorded
//	case checkpoint.Continue:
//		start = rec.Plan.Sources[0].End // where batch rec.NextBatchID starts
//	}
//	...
//	err = ckpt.WriteOffsets(plan)
//	// run tasks, commit the sink
//	err = ckpt.WriteCommit(plan.ID, checkpoint.CommitInfo{NextBatchWatermarkMs: wm})
//	err = ckpt.Purge(0)
package checkpoint
