// Package console is Spark's console sink: every committed batch is
// printed as a table, the way Spark's df.show() prints a DataFrame:
//
//	-------------------------------------------
//	Batch: 3
//	-------------------------------------------
//	+-------+-----+
//	|user_id| page|
//	+-------+-----+
//	|      1|/home|
//	+-------+-----+
//
// Tasks send their first NumRows rows (already rendered) and their row
// count in the commit message; the driver prints when the batch commits,
// so a replayed batch prints again, as Spark's does.
//
// # Usage
//
//	df.WriteStream(console.New(console.Options{NumRows: 10}))
package console
