package kernels

import (
	"testing"
	"time"
)

func TestCivilAgreesWithTime(t *testing.T) {
	for _, ts := range []string{"1970-01-01", "2000-02-29", "1969-12-31", "1900-03-01", "0001-01-01", "9999-12-31", "2024-12-31", "1582-10-04"} {
		tm, err := time.Parse("2006-01-02", ts)
		if err != nil {
			t.Fatal(err)
		}
		day := tm.Unix() / 86400
		if got := DaysFromCivil(int64(tm.Year()), int64(tm.Month()), int64(tm.Day())); got != day {
			t.Fatalf("%s: DaysFromCivil = %d, want %d", ts, got, day)
		}
		y, m, d := CivilFromDays(day)
		if y != int64(tm.Year()) || m != int64(tm.Month()) || d != int64(tm.Day()) {
			t.Fatalf("%s: CivilFromDays = %d-%d-%d", ts, y, m, d)
		}
		if got, want := DayOfWeek(day), int64(tm.Weekday())+1; got != want {
			t.Fatalf("%s: DayOfWeek = %d, want %d", ts, got, want)
		}
	}
}

func TestTruncMicros(t *testing.T) {
	us := func(s string) int64 {
		tm, err := time.Parse("2006-01-02 15:04:05.999999", s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.UnixMicro()
	}
	cases := []struct{ in, unit, want string }{
		{"2024-05-17 13:45:12.345678", "year", "2024-01-01 00:00:00"},
		{"2024-05-17 13:45:12.345678", "quarter", "2024-04-01 00:00:00"},
		{"2024-05-17 13:45:12.345678", "month", "2024-05-01 00:00:00"},
		{"2024-05-17 13:45:12.345678", "week", "2024-05-13 00:00:00"},
		{"2024-05-17 13:45:12.345678", "day", "2024-05-17 00:00:00"},
		{"2024-05-17 13:45:12.345678", "hour", "2024-05-17 13:00:00"},
		{"2024-05-17 13:45:12.345678", "minute", "2024-05-17 13:45:00"},
		{"2024-05-17 13:45:12.345678", "second", "2024-05-17 13:45:12"},
		{"2024-05-17 13:45:12.345678", "millisecond", "2024-05-17 13:45:12.345"},
		{"1969-12-31 23:59:59.5", "second", "1969-12-31 23:59:59"},
		{"1969-12-31 23:59:59.5", "day", "1969-12-31 00:00:00"},
	}
	for _, c := range cases {
		got, ok := TruncMicros(us(c.in), c.unit)
		if !ok || got != us(c.want) {
			t.Fatalf("trunc(%s, %s) = %d, want %s", c.in, c.unit, got, c.want)
		}
	}
	if _, ok := TruncMicros(0, "fortnight"); ok {
		t.Fatal("unknown unit accepted")
	}
}

func TestToMicros(t *testing.T) {
	for _, tc := range []struct {
		v    int64
		unit time.Duration
		want int64
	}{
		{3, time.Second, 3_000_000}, {-3, time.Second, -3_000_000},
		{1500, time.Millisecond, 1_500_000}, {42, time.Microsecond, 42},
		{1999, time.Nanosecond, 1}, {-1, time.Nanosecond, -1}, {-1000, time.Nanosecond, -1},
	} {
		if got := ToMicros(tc.v, tc.unit); got != tc.want {
			t.Errorf("ToMicros(%d, %s) = %d, want %d", tc.v, tc.unit, got, tc.want)
		}
	}
}
