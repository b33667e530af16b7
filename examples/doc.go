// Package examples holds runnable spate jobs, each a main package in its own
// folder that uses only the public DSL and ends in engine.Main.
package examples
