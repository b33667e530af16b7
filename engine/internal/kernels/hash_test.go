package kernels

import (
	"math/rand"
	"testing"

	"github.com/cespare/xxhash/v2"
)

// The expected values are Spark's own documentation examples
// (sql-ref-functions-builtin: hash, xxhash64):
//
//	SELECT hash('Spark', array(123), 2);      -1321691492
//	SELECT xxhash64('Spark', array(123), 2);  5602566077635097486
//
// An array hashes its elements in order with the running seed.
func TestSparkDocHashes(t *testing.T) {
	h := Murmur3Bytes([]byte("Spark"), SparkHashSeed)
	h = Murmur3Int(123, h)
	h = Murmur3Int(2, h)
	if h != -1321691492 {
		t.Fatalf("hash('Spark', array(123), 2) = %d, want -1321691492", h)
	}
	x := XXHashBytes([]byte("Spark"), SparkXXHashSeed)
	x = XXHashInt(123, x)
	x = XXHashInt(2, x)
	if x != 5602566077635097486 {
		t.Fatalf("xxhash64('Spark', array(123), 2) = %d, want 5602566077635097486", x)
	}
}

// XXHashBytes is the reference XXH64: with seed 0 it agrees with cespare's
// implementation for every length around the block boundaries.
func TestXXHashBytesIsReference(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for n := 0; n < 100; n++ {
		b := make([]byte, n)
		r.Read(b)
		if got, want := uint64(XXHashBytes(b, 0)), xxhash.Sum64(b); got != want {
			t.Fatalf("len %d: got %x want %x", n, got, want)
		}
	}
}

// Ints and longs hash as their little-endian bytes.
func TestXXHashIntLongAreBytes(t *testing.T) {
	for _, v := range []int64{0, 1, -1, 123, 1 << 40, -1 << 63} {
		b := []byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24), byte(v >> 32), byte(v >> 40), byte(v >> 48), byte(v >> 56)}
		if XXHashLong(v, 42) != XXHashBytes(b, 42) {
			t.Fatalf("long %d", v)
		}
		if XXHashInt(int32(v), 42) != XXHashBytes(b[:4], 42) {
			t.Fatalf("int %d", v)
		}
	}
}

func TestNegativeZeroHashesAsZero(t *testing.T) {
	negZero := float64(0)
	negZero = -negZero
	if Murmur3Double(negZero, 42) != Murmur3Double(0, 42) || XXHashDouble(negZero, 42) != XXHashDouble(0, 42) {
		t.Fatal("-0.0 must hash as 0.0")
	}
}
