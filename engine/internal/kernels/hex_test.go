package kernels

import (
	"strconv"
	"testing"
)

func TestHexDigit(t *testing.T) {
	for c := 0; c < 256; c++ {
		want := -1
		if v, err := strconv.ParseUint(string(rune(c)), 16, 8); err == nil && c < 128 {
			want = int(v)
		}
		if got := HexDigit(byte(c)); got != want {
			t.Errorf("HexDigit(%q) = %d, want %d", byte(c), got, want)
		}
	}
}
