package broker_test

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes a broker process get SIGKILL when the test binary
// dies (a test timeout), so no broker outlives its test.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
