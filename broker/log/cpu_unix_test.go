//go:build unix

package log

import (
	"syscall"
	"time"
)

// processCPU is the user+system CPU time the test process has used, all
// threads: the benchmarks report CPU per GB, which stays meaningful on a
// machine busy with other work.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
