package fsutil

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// createAttempts bounds the names CreateTemp tries; with 64 random bits a
// second attempt is already rare.
const createAttempts = 16

// randomBytes is how many random bytes, in hex, a temp file's name holds.
const randomBytes = 8

// CreateTemp creates a new file in dir for writing, named after pattern
// with its last "*" replaced by a random string (appended when there is
// no "*"), as os.CreateTemp does, but with permissions perm (before the
// umask) where os.CreateTemp always uses 0600.
func CreateTemp(dir, pattern string, perm fs.FileMode) (*os.File, error) {
	prefix, suffix := pattern, ""
	if i := strings.LastIndexByte(pattern, '*'); i >= 0 {
		prefix, suffix = pattern[:i], pattern[i+1:]
	}
	var err error
	for range createAttempts {
		var rnd [randomBytes]byte
		_, _ = rand.Read(rnd[:])
		name := filepath.Join(dir, prefix+hex.EncodeToString(rnd[:])+suffix)
		var f *os.File
		f, err = os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if !errors.Is(err, fs.ErrExist) {
			if err != nil {
				return nil, fmt.Errorf("cannot create a file in %s: %w", dir, err)
			}
			return f, nil
		}
	}
	return nil, fmt.Errorf("cannot create a file in %s: %d random names taken: %w", dir, createAttempts, err)
}

// WriteTemp writes data to a new file in dir (see CreateTemp), fsyncs and
// closes it, and returns its path. On failure nothing is left.
func WriteTemp(dir, pattern string, perm fs.FileMode, data []byte) (string, error) {
	f, err := CreateTemp(dir, pattern, perm)
	if err != nil {
		return "", err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("write %s: %w", f.Name(), err)
	}
	return f.Name(), nil
}
