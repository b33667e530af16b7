// Package engine is the spate job DSL: sessions, DataFrames, columns and
// expressions that build an immutable, serializable logical plan, and the
// vectorised Arrow operators that execute it.
package engine
