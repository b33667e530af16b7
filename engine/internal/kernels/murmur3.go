package kernels

import (
	"math"
	"math/bits"
)

// Spark's hash() is Murmur3 x86_32 with seed 42, chaining columns: each
// column's hash is the seed of the next, and a null leaves the seed as is.
// Its byte hashing differs from the reference Murmur3 in the tail: Spark
// mixes each trailing byte as a whole (sign-extended) block
// (Murmur3_x86_32.hashUnsafeBytes), so standard libraries do not match.

// SparkHashSeed is the seed of Spark's hash().
const SparkHashSeed = 42

const (
	c1 = 0xcc9e2d51
	c2 = 0x1b873593
)

func mixK1(k1 uint32) uint32 {
	k1 *= c1
	k1 = bits.RotateLeft32(k1, 15)
	return k1 * c2
}

func mixH1(h1, k1 uint32) uint32 {
	h1 ^= k1
	h1 = bits.RotateLeft32(h1, 13)
	return h1*5 + 0xe6546b64
}

func fmix32(h1 uint32, length uint32) uint32 {
	h1 ^= length
	h1 ^= h1 >> 16
	h1 *= 0x85ebca6b
	h1 ^= h1 >> 13
	h1 *= 0xc2b2ae35
	h1 ^= h1 >> 16
	return h1
}

// Murmur3Int hashes a 32-bit value (Spark's int, short, byte, boolean as
// 0/1, date).
func Murmur3Int(v int32, seed int32) int32 {
	h := mixH1(uint32(seed), mixK1(uint32(v)))
	return int32(fmix32(h, 4))
}

// Murmur3Long hashes a 64-bit value (Spark's long, timestamp in micros).
func Murmur3Long(v int64, seed int32) int32 {
	low := uint32(v)
	high := uint32(uint64(v) >> 32)
	h := mixH1(uint32(seed), mixK1(low))
	h = mixH1(h, mixK1(high))
	return int32(fmix32(h, 8))
}

// Murmur3Float hashes a float as Spark does: -0.0 as 0.0, then its bits.
func Murmur3Float(f float32, seed int32) int32 {
	if f == 0 {
		f = 0
	}
	return Murmur3Int(int32(math.Float32bits(javaFloatBits(f))), seed)
}

// Murmur3Double hashes a double as Spark does: -0.0 as 0.0, then its bits.
func Murmur3Double(f float64, seed int32) int32 {
	if f == 0 {
		f = 0
	}
	return Murmur3Long(int64(math.Float64bits(javaDoubleBits(f))), seed)
}

// Murmur3Bytes hashes bytes (Spark's string as UTF-8, binary).
func Murmur3Bytes(b []byte, seed int32) int32 {
	h := uint32(seed)
	aligned := len(b) - len(b)%4
	for i := 0; i < aligned; i += 4 {
		k := uint32(b[i]) | uint32(b[i+1])<<8 | uint32(b[i+2])<<16 | uint32(b[i+3])<<24
		h = mixH1(h, mixK1(k))
	}
	for i := aligned; i < len(b); i++ {
		h = mixH1(h, mixK1(uint32(int32(int8(b[i])))))
	}
	return int32(fmix32(h, uint32(len(b))))
}

// javaDoubleBits canonicalises NaN as Java's doubleToLongBits does.
func javaDoubleBits(f float64) float64 {
	if math.IsNaN(f) {
		return math.Float64frombits(0x7ff8000000000000)
	}
	return f
}

func javaFloatBits(f float32) float32 {
	if f != f {
		return math.Float32frombits(0x7fc00000)
	}
	return f
}
