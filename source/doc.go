// Package source groups spate's streaming sources; each lives in its own
// package (source/kafka) and implements the source interface of package
// engine.
package source
