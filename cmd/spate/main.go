// Command spate is the one spate binary: broker, driver, executor, dev
// cluster and client tools. See package cmd.
package main

import "github.com/spate-io/spate/cmd"

func main() { cmd.Main() }
