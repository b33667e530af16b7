package plan

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzUnmarshal: any bytes either fail with an error or decode to a plan
// that marshals and decodes back to the same bytes. Never a panic.
func FuzzUnmarshal(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "golden", "*.json"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"version":1,"sources":[],"root":{"kind":"source"}}`))
	f.Add([]byte(`{"version":1,"sources":[{"kind":"m","options":null,"schema":{"fields":[{"name":"a","type":{"struct":[]}}]}}],"root":{"kind":"filter","cond":{"op":"lit","type":"float32","value":"NaN"},"input":{"kind":"source"}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		q, err := Unmarshal(b)
		if err != nil {
			return
		}
		out, err := Marshal(q)
		if err != nil {
			t.Fatalf("decoded plan does not marshal: %v", err)
		}
		q2, err := Unmarshal(out)
		if err != nil {
			t.Fatalf("marshaled plan does not decode: %v\n%s", err, out)
		}
		out2, err := Marshal(q2)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, out2) {
			t.Fatalf("round trip not stable:\n%s\n---\n%s", out, out2)
		}
	})
}
