package jsonkernel

import (
	"errors"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
)

func TestGetJSONObject(t *testing.T) {
	const doc = `{"a":"x\"y","n":1.50,"b":{"c":[1,2,{"d":"e"}]},"arr":[{"k":1},{"k":2}],"one":[{"k":"v"}],"nul":null,"t":true,"sp" : [ 1 , 2 ]}`
	cases := []struct {
		name, json, path string
		want             *string // nil: null
	}{
		{"string unquoted", doc, "$.a", str(`x"y`)},
		{"number as written", doc, "$.n", str(`1.50`)},
		{"object compact", doc, "$.b", str(`{"c":[1,2,{"d":"e"}]}`)},
		{"nested index", doc, "$.b.c[2].d", str(`e`)},
		{"bracket name", doc, "$['b']['c'][0]", str(`1`)},
		{"index out of range", doc, "$.b.c[9]", nil},
		{"missing", doc, "$.zz", nil},
		{"null value", doc, "$.nul", nil}, // Spark: a null field does not match
		{"bool", doc, "$.t", str(`true`)},
		{"root", `{"a": [1, 2]}`, "$", str(`{"a":[1,2]}`)},
		{"root string", `"hi"`, "$", str(`hi`)},
		{"root null", `null`, "$", str(`null`)},
		{"wildcard many", doc, "$.arr[*].k", str(`[1,2]`)},
		{"wildcard one unwraps", doc, "$.one[*].k", str(`"v"`)}, // Hive/Spark: single match unwrapped, still quoted
		{"wildcard none", doc, "$.arr[*].zz", nil},
		{"wildcard whole", doc, "$.sp[*]", str(`[1,2]`)},
		{"wildcard strings", `{"s":["a","b"]}`, "$.s[*]", str(`["a","b"]`)},
		{"double wildcard flattens", `{"m":[[1,2],[3]]}`, "$.m[*][*]", str(`[1,2,3]`)},
		{"index then wildcard", `{"m":[[1,2],[3]]}`, "$.m[0][*]", str(`[1,2]`)},
		{"index string stays raw", `{"s":["a","b"]}`, "$.s[1]", str(`b`)},
		{"key on array", doc, "$.arr.k", nil},
		{"index on object", doc, "$.b[0]", nil},
		{"field wildcard never matches", doc, "$.*", nil}, // Spark parses .* but never matches it
		{"duplicate key first non-null wins", `{"a":null,"a":1,"a":2}`, "$.a", str(`1`)},
		{"malformed", `{"a":1,`, "$.a", nil},
		{"malformed after match", `{"a":1,"b":[}`, "$.a", nil},
		{"trailing text ignored", `{"a":1} xx`, "$.a", str(`1`)},
		{"single quotes", `{'a':'q'}`, "$.a", str(`q`)},
		{"unquoted control chars allowed", "{\"a\":\"x\ty\"}", "$.a", str("x\ty")},
		{"escapes re-encoded", `{"a":{"s":"é\u0001\n"}}`, "$.a", str(`{"s":"é\u0001\n"}`)},
		{"NaN is malformed", `{"a":NaN}`, "$.a", nil},
		{"empty", ``, "$", nil},
		{"invalid utf-8 replaced", "{\"a\":\"\xff\"}", "$.a", str("\uFFFD")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mem := checkedMem(t)
			in := stringArray(mem, []*string{&tc.json, nil})
			defer in.Release()
			out, err := GetJSONObject(mem, in, tc.path)
			if err != nil {
				t.Fatal(err)
			}
			defer out.Release()
			if err := array.ValidateFull(out); err != nil {
				t.Fatal(err)
			}
			if !out.IsNull(1) {
				t.Error("a null row must give null")
			}
			switch {
			case tc.want == nil && !out.IsNull(0):
				t.Errorf("got %q, want null", out.Value(0))
			case tc.want != nil && out.IsNull(0):
				t.Errorf("got null, want %q", *tc.want)
			case tc.want != nil && out.Value(0) != *tc.want:
				t.Errorf("got %q, want %q", out.Value(0), *tc.want)
			}
		})
	}
}

func TestParsePath(t *testing.T) {
	good := []string{"$", "$.a", "$.a.b", "$['a b']", "$[0]", "$[*]", "$.a[1][*].b", "$.*", "$['*']", "$.a b"}
	for _, p := range good {
		if _, err := ParsePath(p); err != nil {
			t.Errorf("ParsePath(%q): %v", p, err)
		}
	}
	bad := []string{"", "a", "$.", "$..a", "$[", "$[-1]", "$[x]", "$['a", "$['']", "$a"}
	for _, p := range bad {
		if _, err := ParsePath(p); !errors.Is(err, ErrInvalidPath) {
			t.Errorf("ParsePath(%q) = %v, want ErrInvalidPath", p, err)
		}
	}
}
