package kernels

import (
	"math"
	"testing"
)

func TestJavaDouble(t *testing.T) {
	cases := []struct {
		f    float64
		want string
	}{
		{1, "1.0"}, {0.1, "0.1"}, {-2.5, "-2.5"}, {1e7, "1.0E7"}, {1.2345e7, "1.2345E7"},
		{9999999, "9999999.0"}, {0.001, "0.001"}, {0.0001, "1.0E-4"}, {1.5e-10, "1.5E-10"},
		{math.NaN(), "NaN"}, {math.Inf(1), "Infinity"}, {math.Inf(-1), "-Infinity"},
		{0, "0.0"}, {math.Copysign(0, -1), "-0.0"}, {1e300, "1.0E300"}, {123456.789, "123456.789"},
	}
	for _, c := range cases {
		if got := string(AppendJavaDouble(nil, c.f)); got != c.want {
			t.Errorf("AppendJavaDouble(%v) = %q, want %q", c.f, got, c.want)
		}
	}
	if got := string(AppendJavaFloat(nil, 0.1)); got != "0.1" {
		t.Errorf("AppendJavaFloat(0.1) = %q", got)
	}
}

func TestParseSparkLong(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"12", 12, true}, {" -12 ", -12, true}, {"+7", 7, true}, {"1.9", 1, true}, {"-1.9", -1, true},
		{".5", 0, true}, {"9223372036854775807", math.MaxInt64, true}, {"-9223372036854775808", math.MinInt64, true},
		{"9223372036854775808", 0, false}, {"1e3", 0, false}, {"", 0, false}, {"-", 0, false}, {"abc", 0, false},
		{"1.", 1, true}, {".", 0, false}, {"99999999999999999999999", 0, false},
	}
	for _, c := range cases {
		got, ok := ParseSparkLong(c.in, math.MinInt64, math.MaxInt64)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("ParseSparkLong(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
	if _, ok := ParseSparkLong("128", math.MinInt8, math.MaxInt8); ok {
		t.Error("128 fits no int8")
	}
	if v, ok := ParseSparkLong("-128", math.MinInt8, math.MaxInt8); !ok || v != -128 {
		t.Error("-128 is an int8")
	}
}

func TestParseSparkDouble(t *testing.T) {
	for in, want := range map[string]float64{"1.5": 1.5, " 1e3 ": 1000, "-Infinity": math.Inf(-1), "INF": math.Inf(1), "1e999": math.Inf(1)} {
		if got, ok := ParseSparkDouble(in, 64); !ok || got != want {
			t.Errorf("ParseSparkDouble(%q) = %v, %v", in, got, ok)
		}
	}
	for _, in := range []string{"0x10", "1_000", "abc", ""} {
		if _, ok := ParseSparkDouble(in, 64); ok {
			t.Errorf("ParseSparkDouble(%q) accepted", in)
		}
	}
	if f, ok := ParseSparkDouble("nan", 64); !ok || !math.IsNaN(f) {
		t.Error("nan")
	}
}

func TestDoubleToLong(t *testing.T) {
	if DoubleToLong(math.NaN()) != 0 || DoubleToLong(1e300) != math.MaxInt64 || DoubleToLong(-1e300) != math.MinInt64 || DoubleToLong(-1.9) != -1 {
		t.Fatal("DoubleToLong")
	}
	if DoubleToInt(3e9) != math.MaxInt32 || DoubleToInt(2.7) != 2 {
		t.Fatal("DoubleToInt")
	}
}
