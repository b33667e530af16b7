// Package expr resolves plan expressions against a schema into typed,
// vectorised evaluators over Arrow record batches.
//
// Resolution is the engine's analysis: unknown columns (with a did-you-mean
// and the list of columns), ambiguous names, type errors and unknown UDFs
// are errors here, at plan-build time, so evaluation only meets data
// problems. Evaluation follows Spark SQL's non-ANSI semantics
// (spark.sql.ansi.enabled=false, the default before Spark 4.0): a division
// by zero, an invalid cast or an out-of-range index gives null rather than
// failing the batch, so one bad record cannot stop a stream.
//
// Kernels come from arrow/compute where it has one (arithmetic, comparison,
// boolean logic, is_null, is_in, cast between numeric types, take, filter);
// the rest are written here, and each says why compute does not serve.
//
// Every Eval returns an array of the batch's length that the caller owns
// and releases; all memory comes from Ctx.Mem.
package expr
