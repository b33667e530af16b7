// Package kernels holds the pure, per-value functions behind the engine's
// hand-written Arrow kernels, each matching Spark SQL bit for bit where
// Spark defines the result: Spark's Murmur3 and XXH64 hashes, Java's
// double-to-string, Spark's lenient timestamp and date parsing, civil date
// arithmetic, LIKE patterns and Spark datetime patterns.
//
// Nothing here touches Arrow buffers, so every function is table-tested
// on its own; the expr package loops over arrays and calls them.
package kernels
