package kernels

import (
	"testing"
	"time"
)

func TestLike(t *testing.T) {
	cases := []struct {
		pattern, s string
		want       bool
	}{
		{"abc", "abc", true}, {"abc", "abcd", false},
		{"/shop/%", "/shop/shoes", true}, {"/shop/%", "/home", false},
		{"%.png", "a.png", true}, {"%.png", "apng", false},
		{"%needle%", "haystack needle hay", true},
		{"a_c", "abc", true}, {"a_c", "ac", false}, {"a_c", "aéc", true},
		{`100\%`, "100%", true}, {`100\%`, "1000", false},
		{`a\_b`, "a_b", true}, {`a\_b`, "axb", false},
		{"a%b%c", "aXXbYYc", true}, {"a%b%c", "aXXc", false},
		{"%", "", true}, {"", "", true}, {"_", "", false},
		{"a.c", "abc", false}, {"line%", "line1\nline2", true},
	}
	for _, c := range cases {
		m, err := CompileLike(c.pattern, '\\')
		if err != nil {
			t.Fatalf("%q: %v", c.pattern, err)
		}
		if got := m.Match(c.s); got != c.want {
			t.Errorf("%q LIKE %q = %v, want %v", c.s, c.pattern, got, c.want)
		}
	}
	if _, err := CompileLike(`a\b`, '\\'); err == nil {
		t.Error(`escape before 'b' accepted`)
	}
	if _, err := CompileLike(`ab\`, '\\'); err == nil {
		t.Error(`trailing escape accepted`)
	}
}

func TestGoLayout(t *testing.T) {
	cases := []struct{ pattern, text, want string }{
		{"yyyy-MM-dd HH:mm:ss", "2024-05-17 13:45:12", "2024-05-17T13:45:12Z"},
		{"yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "2024-05-17T13:45:12.250+02:00", "2024-05-17T11:45:12.25Z"},
		{"dd/MM/yyyy", "17/05/2024", "2024-05-17T00:00:00Z"},
		{"d MMM yyyy h:mm a", "7 May 2024 1:05 PM", "2024-05-07T13:05:00Z"},
		{"yyyyMMddHHmmss", "20240517134512", "2024-05-17T13:45:12Z"},
	}
	for _, c := range cases {
		layout, err := GoLayout(c.pattern)
		if err != nil {
			t.Fatalf("%q: %v", c.pattern, err)
		}
		tm, err := time.Parse(layout, c.text)
		if err != nil {
			t.Fatalf("%q (layout %q) on %q: %v", c.pattern, layout, c.text, err)
		}
		if got := tm.UTC().Format(time.RFC3339Nano); got != c.want {
			t.Errorf("%q on %q = %s, want %s", c.pattern, c.text, got, c.want)
		}
	}
	for _, bad := range []string{"yyyy-MM-dd GG", "'unclosed", "yyyy'1'"} {
		if _, err := GoLayout(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
