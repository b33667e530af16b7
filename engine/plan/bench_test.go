package plan

import (
	"os"
	"path/filepath"
	"testing"
)

func BenchmarkMarshal(b *testing.B) {
	q := goldenPlans(b)["clicks"]
	out, _ := Marshal(q)
	b.SetBytes(int64(len(out)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Marshal(q); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnmarshal(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join("testdata", "golden", "clicks.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Unmarshal(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHash(b *testing.B) {
	q := goldenPlans(b)["clicks"]
	for i := 0; i < b.N; i++ {
		if _, err := Hash(q); err != nil {
			b.Fatal(err)
		}
	}
}
