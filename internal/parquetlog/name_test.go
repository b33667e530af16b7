package parquetlog

import "testing"

func TestParseName(t *testing.T) {
	for _, tc := range []struct {
		name    string
		n       int64
		compact bool
		ok      bool
	}{
		{"0.json", 0, false, true},
		{"17.compact", 17, true, true},
		{"29.compact", 29, true, true},
		{"123456789.json", 123456789, false, true},
		{"007.json", 0, false, false},
		{"-1.json", 0, false, false},
		{"+1.json", 0, false, false},
		{"1.json.tmp", 0, false, false},
		{".1.json.tmp-5", 0, false, false},
		{".1.json.tmp-77", 0, false, false},
		{"x.json", 0, false, false},
		{"1", 0, false, false},
		{"99999999999999999999.json", 0, false, false},
	} {
		n, compact, ok := ParseName(tc.name)
		if n != tc.n || compact != tc.compact || ok != tc.ok {
			t.Errorf("ParseName(%q) = %d %v %v, want %d %v %v", tc.name, n, compact, ok, tc.n, tc.compact, tc.ok)
		}
		if ok && FileName(n, compact) != tc.name {
			t.Errorf("FileName(%d, %v) = %q, want %q", n, compact, FileName(n, compact), tc.name)
		}
	}
}
