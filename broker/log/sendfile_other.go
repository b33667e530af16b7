//go:build !linux

package log

import "io"

// sendFileRange is Linux only; elsewhere WriteTo copies.
func sendFileRange(io.Writer, FileRange) (int64, bool, error) { return 0, false, nil }
