package kernels

import (
	"math"
	"strconv"
	"strings"
)

// AppendJavaDouble writes f as Java's Double.toString does (which Spark
// uses to cast a double to string): "1.0", "0.001", "1.0E7", "1.5E-4",
// "NaN", "Infinity". Digits are the shortest that read back exactly, as in
// Java 19 and later.
func AppendJavaDouble(dst []byte, f float64) []byte {
	return appendJava(dst, f, 64)
}

// AppendJavaFloat is Float.toString.
func AppendJavaFloat(dst []byte, f float32) []byte {
	return appendJava(dst, float64(f), 32)
}

func appendJava(dst []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	case f == 0:
		if math.Signbit(f) {
			return append(dst, "-0.0"...)
		}
		return append(dst, "0.0"...)
	}
	if a := math.Abs(f); a >= 1e-3 && a < 1e7 {
		start := len(dst)
		dst = strconv.AppendFloat(dst, f, 'f', -1, bits)
		if !strings.Contains(string(dst[start:]), ".") {
			dst = append(dst, '.', '0')
		}
		return dst
	}
	e := strconv.FormatFloat(f, 'e', -1, bits) // "1.2345e+07"
	mant, exp, _ := strings.Cut(e, "e")
	dst = append(dst, mant...)
	if !strings.Contains(mant, ".") {
		dst = append(dst, '.', '0')
	}
	dst = append(dst, 'E')
	if exp[0] == '-' {
		dst = append(dst, '-')
	}
	return append(dst, strings.TrimLeft(exp[1:], "0")...)
}

// ParseSparkLong reads text as Spark's cast from string to an integral
// type does (UTF8String.toLong): surrounding whitespace is ignored, an
// optional sign, digits, and an optional fraction that is truncated.
// ok is false for anything else or a value outside [min, max].
func ParseSparkLong(s string, min, max int64) (int64, bool) {
	s = trimSpark(s)
	if s == "" {
		return 0, false
	}
	neg := false
	switch s[0] {
	case '-':
		neg = true
		s = s[1:]
	case '+':
		s = s[1:]
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" && (!hasDot || frac == "") {
		return 0, false
	}
	for i := 0; i < len(frac); i++ {
		if frac[i] < '0' || frac[i] > '9' {
			return 0, false
		}
	}
	var v uint64
	for i := 0; i < len(intPart); i++ {
		c := intPart[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if v > (math.MaxUint64-9)/10 {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	if neg {
		if v > uint64(-(min+1))+1 {
			return 0, false
		}
		return -int64(v-1) - 1, true
	}
	if v > uint64(max) {
		return 0, false
	}
	return int64(v), true
}

// ParseSparkDouble reads text as Spark's cast from string to double:
// surrounding whitespace ignored; "NaN", "Infinity", "inf" and signed
// variants in any case accepted. ok is false otherwise.
func ParseSparkDouble(s string, bits int) (float64, bool) {
	s = trimSpark(s)
	if s == "" {
		return 0, false
	}
	switch strings.ToLower(s) {
	case "nan":
		return math.NaN(), true
	case "inf", "+inf", "infinity", "+infinity":
		return math.Inf(1), true
	case "-inf", "-infinity":
		return math.Inf(-1), true
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9') && c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-' {
			return 0, false // no hex floats, underscores or Go's "inf" spellings
		}
	}
	f, err := strconv.ParseFloat(s, bits)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, true // overflow to ±Inf or underflow to 0, as Java does
		}
		return 0, false
	}
	return f, true
}

// ParseSparkBool reads text as Spark's cast from string to boolean:
// t, true, y, yes, 1 and f, false, n, no, 0, in any case, trimmed.
func ParseSparkBool(s string) (v, ok bool) {
	switch strings.ToLower(trimSpark(s)) {
	case "t", "true", "y", "yes", "1":
		return true, true
	case "f", "false", "n", "no", "0":
		return false, true
	}
	return false, false
}

// trimSpark drops leading and trailing whitespace and control characters,
// as UTF8String.trimAll does before a cast.
func trimSpark(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f })
}

// DoubleToLong converts as Java's (long) cast does: NaN is 0, values past
// the range saturate, the fraction is truncated.
func DoubleToLong(f float64) int64 {
	switch {
	case f != f:
		return 0
	case f >= math.MaxInt64:
		return math.MaxInt64
	case f <= math.MinInt64:
		return math.MinInt64
	}
	return int64(f)
}

// DoubleToInt converts as Java's (int) cast does.
func DoubleToInt(f float64) int32 {
	switch {
	case f != f:
		return 0
	case f >= math.MaxInt32:
		return math.MaxInt32
	case f <= math.MinInt32:
		return math.MinInt32
	}
	return int32(f)
}
