package parquetlog

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestDecodeManifestRejects(t *testing.T) {
	seed, err := os.ReadFile("testdata/manifest-0.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(seed, &m)
	edit := func(f func(m map[string]any)) []byte {
		var c map[string]any
		json.Unmarshal(seed, &c)
		f(c)
		b, _ := json.Marshal(c)
		return b
	}
	for _, tc := range []struct {
		data []byte
		want string
	}{
		{seed, ""},
		{[]byte(`{"version":1`), "not valid JSON"},
		{[]byte(`{"version":1,"batches":[]} {}`), "not valid JSON"},
		{edit(func(m map[string]any) { m["version"] = 9 }), "manifest version 9 is not supported"},
		{edit(func(m map[string]any) {
			m["schema"] = map[string]any{"fields": []any{map[string]any{"name": "x", "type": map[string]any{"name": "decimal128", "precision": 99}}}}
		}), `schema column "x": invalid: precision for DECIMAL128 must be between 1 and 38, got 99`},
		{edit(func(m map[string]any) {
			m["schema"] = map[string]any{"fields": []any{map[string]any{"name": "x", "type": map[string]any{"name": "list"}}}}
		}), "type list needs 1 child fields, has 0"},
		{edit(func(m map[string]any) {
			m["schema"] = map[string]any{"fields": []any{map[string]any{"name": "x", "type": map[string]any{"name": "uuid"}}}}
		}), `unknown type "uuid"`},
		{edit(func(m map[string]any) { m["batches"] = []any{} }), "lists no batch"},
		{edit(func(m map[string]any) { m["batches"] = append(m["batches"].([]any), m["batches"].([]any)[0]) }), "must list one"},
		{edit(func(m map[string]any) {
			m["compact"] = true
			m["batches"] = append(m["batches"].([]any), m["batches"].([]any)[0])
		}), "ascending"},
	} {
		_, _, err := DecodeManifest(tc.data, nil)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%.60s: %v, want %q", tc.data, err, tc.want)
		}
	}
}

// FuzzManifest feeds the _spate_log decoder arbitrary bytes: it must return
// an error or a manifest that encodes and decodes back to itself, never
// panic.
func FuzzManifest(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/manifest-*")
	for _, p := range seeds {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"version":1,"batches":[{"batchId":0,"committedAtMs":0,"files":[]}]}`))
	f.Add([]byte(`{"version":1,"compact":true,"partitionBy":["a"],"batches":[{"batchId":3,"committedAtMs":1,"files":[{"path":"a=1/part-00003-00000-000.parquet","rows":1,"bytes":1,"partition":[{"column":"a","value":"1"}]}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, _, err := DecodeManifest(data, nil)
		if err != nil {
			return
		}
		again, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("encode a decoded manifest: %v", err)
		}
		m2, _, err := DecodeManifest(again, nil)
		if err != nil {
			t.Fatalf("decode an encoded manifest: %v\n%s", err, again)
		}
		if !reflect.DeepEqual(m, m2) {
			t.Fatalf("round trip changed the manifest:\n%+v\n%+v", m, m2)
		}
	})
}
