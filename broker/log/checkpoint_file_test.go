package log

import (
	"slices"
	"strings"
	"testing"
)

func TestCheckpointFile(t *testing.T) {
	b := EncodeCheckpointFile([]string{"clicks 0 10", "a 3 0"})
	if string(b) != "0\n2\nclicks 0 10\na 3 0\n" {
		t.Fatalf("encoded %q", b)
	}
	if string(EncodeCheckpointFile(nil)) != "0\n0\n" {
		t.Fatalf("encoded none as %q", EncodeCheckpointFile(nil))
	}
	for _, tc := range []struct {
		in   string
		max  int
		want []string
		err  string
	}{
		{"0\n2\nclicks 0 10\na 3 0\n", 2, []string{"clicks 0 10", "a 3 0"}, ""},
		{" 0 \n 1 \n  x y \nignored past the count\n", 1, []string{"x y"}, ""},
		{"0\n0\n", 0, []string{}, ""},
		{"0\n1\n1 2", 1, []string{"1 2"}, ""}, // no final newline
		{"", 1, nil, `version line "" is not 0`},
		{"1\n0\n", 1, nil, `version line "1" is not 0`},
		{"0\n", 1, nil, `count line "" is not a count`},
		{"0\nx\n", 1, nil, `count line "x" is not a count`},
		{"0\n-1\n", 1, nil, `count line "-1" is not a count`},
		{"0\n3\n", 2, nil, "count 3 is above the most allowed, 2"},
		{"0\n3\na\nb\n", 3, nil, "3 entries announced, 2 present"},
	} {
		got, err := DecodeCheckpointFile([]byte(tc.in), tc.max)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: %v, %v; want error %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%q: %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}
