package kernels

import "testing"

func TestLoadRegion(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"Europe/Berlin", true},
		{"CET", false}, {"UTC", false}, {"", false}, {"Nowhere/Land", false}, {"Europe/../etc/passwd", false},
	} {
		loc, ok := LoadRegion(tc.name)
		if ok != tc.ok || ok && loc.String() != tc.name {
			t.Errorf("LoadRegion(%q) = %v, %v; want ok %v", tc.name, loc, ok, tc.ok)
		}
	}
	for _, bad := range []string{"Nowhere/Land", "Europe/../etc/passwd"} {
		if _, cached := regions.Load(bad); cached {
			t.Errorf("%q is cached: arbitrary input must not grow the cache", bad)
		}
	}
}
