// Package testutil holds small helpers spate's tests share: WaitFor, the
// deadline-bound wait on a condition, and FreeAddr.
//
// # Usage
//
//	testutil.WaitFor(t, 10*time.Second, 10*time.Millisecond, func() error {
//		if n := sink.Rows(); n < 100 {
//			return fmt.Errorf("%d rows, want 100", n)
//		}
//		return nil
//	})
package testutil
