// Package ops turns logical plan nodes into physical operators over Arrow
// record batches and chains them into a per-task pipeline.
//
// Prepare analyses one node against the schemas of its inputs and returns
// its output schema and operator: the DSL calls it as each DataFrame is
// built (so errors surface there), Compile calls it for every node of a
// decoded plan (so an executor runs exactly what was analysed).
//
// Operators push: each gets a batch, makes its output and hands it to the
// next, releasing what it made once the next returns. Nothing is buffered
// across batches; stateless streams need no state.
package ops
