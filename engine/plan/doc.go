// Package plan is the logical plan of a spate query as data: the sources,
// the tree of operators (Node) and expressions (Expr) between them, the sink
// and the trigger. The engine's DSL builds it; the driver persists it in the
// checkpoint and ships it to executors, which compile it into a pipeline.
//
// A plan serializes to versioned JSON ({"version":1,...}) and back without
// loss: Unmarshal(Marshal(q)) is q, and Marshal of a decoded plan gives the
// same bytes, so Hash is stable across processes and restarts. Unmarshal
// rejects an unknown version, node kind or expression op with an error that
// names it and where it sits in the tree.
//
// The package checks shape (kinds, ops, arities, literal values against
// their types), not meaning: column names, types and UDFs are resolved by
// the engine against the source schemas recorded in the plan.
//
// # Usage
//
//	b, err := plan.Marshal(q)          // the driver writes b to plan.json
//	q, err := plan.Unmarshal(b)        // an executor reads it back
//	id := plan.Hash(q)                 // recorded in the checkpoint metadata
//	for _, name := range plan.UDFs(q) { /* refuse plans naming unknown UDFs */ }
package plan
