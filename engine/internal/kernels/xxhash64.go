package kernels

import (
	"encoding/binary"
	"math"
	"math/bits"
)

// Spark's xxhash64() is XXH64 with seed 42, chaining columns as hash()
// does. Ints hash as 4 bytes and longs as 8 (XXH64.hashInt/hashLong), which
// is the reference XXH64 of their little-endian bytes; bytes hash as the
// reference XXH64.

// SparkXXHashSeed is the seed of Spark's xxhash64().
const SparkXXHashSeed = 42

const (
	p64_1 uint64 = 0x9E3779B185EBCA87
	p64_2 uint64 = 0xC2B2AE3D27D4EB4F
	p64_3 uint64 = 0x165667B19E3779F9
	p64_4 uint64 = 0x85EBCA77C2B2AE63
	p64_5 uint64 = 0x27D4EB2F165667C5
)

func xxRound(acc, input uint64) uint64 {
	acc += input * p64_2
	acc = bits.RotateLeft64(acc, 31)
	return acc * p64_1
}

func xxMerge(acc, val uint64) uint64 {
	acc ^= xxRound(0, val)
	return acc*p64_1 + p64_4
}

func xxAvalanche(h uint64) uint64 {
	h ^= h >> 33
	h *= p64_2
	h ^= h >> 29
	h *= p64_3
	h ^= h >> 32
	return h
}

// XXHashInt hashes a 32-bit value.
func XXHashInt(v int32, seed int64) int64 {
	h := uint64(seed) + p64_5 + 4
	h ^= uint64(uint32(v)) * p64_1
	h = bits.RotateLeft64(h, 23)*p64_2 + p64_3
	return int64(xxAvalanche(h))
}

// XXHashLong hashes a 64-bit value.
func XXHashLong(v int64, seed int64) int64 {
	h := uint64(seed) + p64_5 + 8
	h ^= xxRound(0, uint64(v))
	h = bits.RotateLeft64(h, 27)*p64_1 + p64_4
	return int64(xxAvalanche(h))
}

// XXHashFloat hashes a float as Spark does (-0.0 as 0.0).
func XXHashFloat(f float32, seed int64) int64 {
	if f == 0 {
		f = 0
	}
	return XXHashInt(int32(math.Float32bits(javaFloatBits(f))), seed)
}

// XXHashDouble hashes a double as Spark does (-0.0 as 0.0).
func XXHashDouble(f float64, seed int64) int64 {
	if f == 0 {
		f = 0
	}
	return XXHashLong(int64(math.Float64bits(javaDoubleBits(f))), seed)
}

// XXHashBytes is the reference XXH64 of b with seed.
func XXHashBytes(b []byte, seed int64) int64 {
	s := uint64(seed)
	n := len(b)
	var h uint64
	i := 0
	if n >= 32 {
		v1 := s + p64_1 + p64_2
		v2 := s + p64_2
		v3 := s
		v4 := s - p64_1
		for ; i+32 <= n; i += 32 {
			v1 = xxRound(v1, binary.LittleEndian.Uint64(b[i:]))
			v2 = xxRound(v2, binary.LittleEndian.Uint64(b[i+8:]))
			v3 = xxRound(v3, binary.LittleEndian.Uint64(b[i+16:]))
			v4 = xxRound(v4, binary.LittleEndian.Uint64(b[i+24:]))
		}
		h = bits.RotateLeft64(v1, 1) + bits.RotateLeft64(v2, 7) + bits.RotateLeft64(v3, 12) + bits.RotateLeft64(v4, 18)
		h = xxMerge(h, v1)
		h = xxMerge(h, v2)
		h = xxMerge(h, v3)
		h = xxMerge(h, v4)
	} else {
		h = s + p64_5
	}
	h += uint64(n)
	for ; i+8 <= n; i += 8 {
		h ^= xxRound(0, binary.LittleEndian.Uint64(b[i:]))
		h = bits.RotateLeft64(h, 27)*p64_1 + p64_4
	}
	if i+4 <= n {
		h ^= uint64(binary.LittleEndian.Uint32(b[i:])) * p64_1
		h = bits.RotateLeft64(h, 23)*p64_2 + p64_3
		i += 4
	}
	for ; i < n; i++ {
		h ^= uint64(b[i]) * p64_5
		h = bits.RotateLeft64(h, 11) * p64_1
	}
	return int64(xxAvalanche(h))
}
