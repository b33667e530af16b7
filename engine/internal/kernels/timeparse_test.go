package kernels

import (
	"testing"
	"time"
)

func TestParseTimestamp(t *testing.T) {
	at := func(s string) int64 {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.UnixMicro()
	}
	cases := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"2024-05-17 13:45:12", at("2024-05-17T13:45:12Z"), true},
		{"2024-05-17T13:45:12.123456789Z", at("2024-05-17T13:45:12.123456Z"), true},
		{" 2024-5-7 3:4:5 ", at("2024-05-07T03:04:05Z"), true},
		{"2024", at("2024-01-01T00:00:00Z"), true},
		{"2024-05", at("2024-05-01T00:00:00Z"), true},
		{"2024-05-17", at("2024-05-17T00:00:00Z"), true},
		{"2024-05-17T13:45", at("2024-05-17T13:45:00Z"), true},
		{"2024-05-17T13:45:12+02:00", at("2024-05-17T11:45:12Z"), true},
		{"2024-05-17T13:45:12-0130", at("2024-05-17T15:15:12Z"), true},
		{"2024-05-17 13:45:12 UTC", at("2024-05-17T13:45:12Z"), true},
		{"2024-05-17 13:45:12 GMT+1", at("2024-05-17T12:45:12Z"), true},
		{"1969-12-31 23:59:59.999999", -1, true},
		{"2024-02-30", 0, false},
		{"2024-13-01", 0, false},
		{"2024-05-17 25:00:00", 0, false},
		{"hello", 0, false},
		{"", 0, false},
		{"2024-05-17 13:45:12 Mars/Olympus", 0, false},
		{"2024-05-17X", 0, false},
		{"999999-01-01", 0, false},
	}
	for _, c := range cases {
		got, ok := ParseTimestamp(c.in)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("ParseTimestamp(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestParseDate(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1970-01-02", 1, true},
		{"1970-01-02T10:00", 1, true},
		{"1970-01-02 garbage", 1, true},
		{"1970-1-2", 1, true},
		{"1969-12-31", -1, true},
		{"1970/01/02", 0, false},
	}
	for _, c := range cases {
		got, ok := ParseDate(c.in)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("ParseDate(%q) = %d, %v", c.in, got, ok)
		}
	}
}

func TestFormatTimestamp(t *testing.T) {
	cases := []struct {
		us   int64
		want string
	}{
		{0, "1970-01-01 00:00:00"},
		{-1, "1969-12-31 23:59:59.999999"},
		{1_500_000, "1970-01-01 00:00:01.5"},
		{1715953512345000, "2024-05-17 13:45:12.345"},
	}
	for _, c := range cases {
		if got := string(FormatTimestamp(nil, c.us)); got != c.want {
			t.Errorf("FormatTimestamp(%d) = %q, want %q", c.us, got, c.want)
		}
	}
	if got := string(FormatDate(nil, DaysFromCivil(33, 2, 3))); got != "0033-02-03" {
		t.Errorf("FormatDate = %q", got)
	}
}
