package driver

import "testing"

func TestSparkline(t *testing.T) {
	tests := []struct {
		name   string
		values []float64
		want   string
	}{
		{"none", nil, "0,20 100,20"},
		{"one", []float64{5}, "0,20 100,20"},
		{"zeros", []float64{0, 0}, "0.0,20.0 100.0,20.0"},
		{"rise", []float64{0, 5, 10}, "0.0,20.0 50.0,10.0 100.0,0.0"},
		{"negative is zero", []float64{-3, 4}, "0.0,20.0 100.0,0.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sparkline(tt.values, 100, 20); got != tt.want {
				t.Errorf("sparkline(%v) = %q, want %q", tt.values, got, tt.want)
			}
		})
	}
}
