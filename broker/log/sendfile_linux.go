//go:build linux

package log

import (
	"errors"
	"io"
	"syscall"
)

// sendFileRange writes fr to w with sendfile(2) when w exposes its socket.
// It passes an explicit file offset, so concurrent reads of the same shared
// *os.File never race on the file's seek position (the standard library's
// sendfile path uses and moves it). handled is false when w is not a socket.
func sendFileRange(w io.Writer, fr FileRange) (written int64, handled bool, err error) {
	sc, ok := w.(syscall.Conn)
	if !ok {
		return 0, false, nil
	}
	dst, err := sc.SyscallConn()
	if err != nil {
		return 0, false, nil
	}
	src, err := fr.File.SyscallConn()
	if err != nil {
		return 0, false, nil
	}
	off, remain := fr.Pos, fr.Len
	var werr error
	cerr := src.Control(func(sfd uintptr) {
		werr = dst.Write(func(dfd uintptr) bool {
			for remain > 0 {
				n, e := syscall.Sendfile(int(dfd), int(sfd), &off, int(min(remain, 1<<30)))
				if n > 0 {
					remain -= int64(n)
					written += int64(n)
				}
				switch {
				case e == syscall.EAGAIN:
					return false // wait until the socket is writable
				case e == syscall.EINTR:
					continue
				case e != nil:
					err = e
					return true
				case n == 0:
					err = io.ErrUnexpectedEOF // the file is shorter than the range
					return true
				}
			}
			return true
		})
	})
	if cerr != nil {
		return written, true, cerr
	}
	if written == 0 && (errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOSYS) || errors.Is(err, syscall.EOPNOTSUPP)) {
		return 0, false, nil // this kind of socket or file cannot sendfile: copy
	}
	if werr != nil {
		return written, true, werr
	}
	return written, true, err
}
