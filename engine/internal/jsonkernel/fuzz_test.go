package jsonkernel

import (
	"testing"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// fuzzType exercises every kind of node: nested structs, lists of structs,
// maps, timestamps, decimals and the corrupt record field.
var fuzzType = arrow.StructOf(
	arrow.Field{Name: "a", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	arrow.Field{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	arrow.Field{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
	arrow.Field{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	arrow.Field{Name: "ts", Type: arrow.FixedWidthTypes.Timestamp_us, Nullable: true},
	arrow.Field{Name: "d", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	arrow.Field{Name: "dec", Type: &arrow.Decimal128Type{Precision: 10, Scale: 3}, Nullable: true},
	arrow.Field{Name: "bin", Type: arrow.BinaryTypes.Binary, Nullable: true},
	arrow.Field{Name: "l", Type: arrow.ListOf(arrow.StructOf(
		arrow.Field{Name: "x", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		arrow.Field{Name: "y", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
	)), Nullable: true},
	arrow.Field{Name: "m", Type: arrow.MapOf(arrow.BinaryTypes.String, arrow.ListOf(arrow.PrimitiveTypes.Int8)), Nullable: true},
	arrow.Field{Name: "n", Type: arrow.StructOf(arrow.Field{Name: "z", Type: arrow.Null, Nullable: true}), Nullable: true},
	arrow.Field{Name: "_corrupt_record", Type: arrow.BinaryTypes.String, Nullable: true},
)

var fuzzSeeds = []string{
	`{"a":1,"f":2.5,"s":"x","b":true,"ts":"2026-11-25T10:11:12Z","d":"2026-11-25","dec":"1.5","bin":"aGk=","l":[{"x":1,"y":["p",null]},null],"m":{"k":[1,2],"j":null},"n":{"z":1}}`,
	`{"a":"x","l":[{"x":"bad"}],"m":{"k":[300]}}`,
	`{"a":1,"a":2,"s":{"nested":[1,{"q":null}]}}`,
	`[1,2]`, `{`, ``, `null`, `{"s":"\ud83d\ude00\u0000"}`, "{\"s\":\"\xff\"}", `{'s':'q'}`,
	`{"f":NaN,"ts":-1,"d":"2026"}`, `{"l":[[[[[]]]]]}`,
}

func FuzzFromJSON(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	p, err := NewParser(fuzzType, Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		mem := checkedMem(t)
		// The text alone, twice (buffers carry over between rows), and a null row.
		b := array.NewBinaryBuilder(mem, arrow.BinaryTypes.Binary)
		b.Append(text)
		b.AppendNull()
		b.Append(text)
		in := b.NewArray()
		b.Release()
		defer in.Release()
		for _, mode := range []Mode{Permissive, DropMalformed} {
			p := *p
			p.opts.Mode = mode
			res, err := p.Parse(mem, in)
			if err != nil {
				t.Fatal(err)
			}
			if res.Rows.Len() != in.Len() {
				t.Fatalf("%d rows out for %d in", res.Rows.Len(), in.Len())
			}
			if err := array.ValidateFull(res.Rows); err != nil {
				t.Fatalf("invalid arrow output: %v", err)
			}
			checkUTF8(t, res.Rows)
			if len(res.Malformed)%2 != 0 || (res.Keep != nil) != (mode == DropMalformed && len(res.Malformed) > 0) {
				t.Fatalf("mode %s: malformed %v, keep %v", mode, res.Malformed, res.Keep)
			}
			res.Release()
		}
		fp := *p
		fp.opts.Mode = FailFast
		if res, err := fp.Parse(mem, in); err == nil {
			res.Release()
		}
	})
}

// checkUTF8 fails when a string column holds invalid UTF-8.
func checkUTF8(t *testing.T, a arrow.Array) {
	t.Helper()
	switch a := a.(type) {
	case *array.String:
		for i := 0; i < a.Len(); i++ {
			if !utf8.ValidString(a.Value(i)) {
				t.Fatalf("invalid UTF-8 in string output %q", a.Value(i))
			}
		}
	case *array.Struct:
		for i := 0; i < a.NumField(); i++ {
			checkUTF8(t, a.Field(i))
		}
	case array.ListLike:
		checkUTF8(t, a.ListValues())
	}
}

func FuzzGetJSONObject(f *testing.F) {
	paths := []string{"$", "$.a", "$.a[0]", "$.a[*].b", "$.a[*][*]", "$['a'].b[1]", "$.a[0][*]"}
	for _, s := range fuzzSeeds {
		f.Add([]byte(s), uint8(0))
	}
	f.Add([]byte(`{"a":[{"b":1},{"b":[2,3]}]}`), uint8(3))
	f.Add([]byte(`{"a":[[1,2],[3]]}`), uint8(4))
	f.Fuzz(func(t *testing.T, text []byte, which uint8) {
		mem := checkedMem(t)
		b := array.NewBinaryBuilder(mem, arrow.BinaryTypes.Binary)
		b.Append(text)
		b.AppendNull()
		in := b.NewArray()
		b.Release()
		defer in.Release()
		out, err := GetJSONObject(mem, in, paths[int(which)%len(paths)])
		if err != nil {
			t.Fatal(err)
		}
		defer out.Release()
		if out.Len() != 2 || !out.IsNull(1) {
			t.Fatal("wrong shape")
		}
		if err := array.ValidateFull(out); err != nil {
			t.Fatal(err)
		}
		checkUTF8(t, out)
	})
}
