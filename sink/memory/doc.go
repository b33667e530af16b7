// Package memory is a sink that keeps a streaming query's output in
// memory, batch by batch, for tests and examples. Task writers encode
// their rows as Arrow IPC in the commit message (so it works the same when
// tasks run elsewhere); CommitBatch decodes them into the sink, replacing
// what an earlier commit of the same batch stored, so a replayed batch
// appears exactly once.
//
// A sink lives in one process: its plan options hold only its name, and
// decoding the plan finds the sink registered under that name here.
//
// # Usage
//
//	out := memory.NewSink("results")
//	q := df.WriteStream(out) // ... run the query
//	rows, err := out.JSONRows()  // every committed row as a JSON object
package memory
