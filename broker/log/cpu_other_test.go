//go:build !unix

package log

import "time"

func processCPU() time.Duration { return 0 }
