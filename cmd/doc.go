// Package cmd is the spate command line: one binary for every role (broker,
// driver, executor, dev) and the client tools (topic, produce, consume, lag,
// submit, jobs).
//
// It is importable so that a custom build can register Go UDFs or connectors
// and still be the whole spate binary, the pattern of Caddy and Benthos:
//
//	package main
//
//	import (
//		"github.com/spate-io/spate/cmd"
//		_ "example.com/myudfs" // calls engine.RegisterUDF in init
//	)
//
//	func main() { cmd.Main() }
//
// Each command lives in its own file and adds itself to the root command in
// that file's init function; this package holds flag parsing and wiring only.
package cmd
