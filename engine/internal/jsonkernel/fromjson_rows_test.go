package jsonkernel

import (
	"errors"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

var rowType = arrow.StructOf(
	arrow.Field{Name: "a", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	arrow.Field{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
	arrow.Field{Name: "_corrupt_record", Type: arrow.BinaryTypes.String, Nullable: true},
)

// rowCase parses one text with rowType and wants the whole row rendered.
type rowCase struct {
	name string
	in   *string // nil: a null input row
	want string
	bad  bool
	opts Options
}

func str(s string) *string { return &s }

func TestFromJSONRows(t *testing.T) {
	deep := strings.Repeat("[", 1001) + strings.Repeat("]", 1001)
	okDeep := strings.Repeat("[", 999) + strings.Repeat("]", 999)
	huge := strings.Repeat("x", 1<<20)
	cases := []rowCase{
		{name: "null row", in: nil, want: `null`},
		{name: "empty text", in: str(""), want: `null`},       // Jackson finds no token: Spark returns null
		{name: "whitespace", in: str(" \n\t "), want: `null`}, // idem
		{name: "object", in: str(` {"a":1,"s":"x"} `), want: `{"_corrupt_record":null,"a":1,"s":"x"}`},
		{name: "empty object", in: str(`{}`), want: `{"_corrupt_record":null,"a":null,"s":null}`},
		{name: "all nulls", in: str(`{"a":null,"s":null}`), want: `{"_corrupt_record":null,"a":null,"s":null}`},
		{name: "truncated", in: str(`{"a":1,"s":"x`), want: `{"_corrupt_record":"{\"a\":1,\"s\":\"x","a":null,"s":null}`, bad: true},
		{name: "missing colon", in: str(`{"a" 1}`), want: `{"_corrupt_record":"{\"a\" 1}","a":null,"s":null}`, bad: true},
		{name: "trailing comma", in: str(`{"a":1,}`), want: `{"_corrupt_record":"{\"a\":1,}","a":null,"s":null}`, bad: true},
		{name: "unquoted key", in: str(`{a:1}`), want: `{"_corrupt_record":"{a:1}","a":null,"s":null}`, bad: true},
		{name: "garbage", in: str(`not json`), want: `{"_corrupt_record":"not json","a":null,"s":null}`, bad: true},
		// Spark's from_json refuses top-level arrays for a struct schema
		// (allowArrayAsStructs=false) and scalars; a top-level null makes
		// rootConverter return null, a bad record.
		{name: "top-level array", in: str(`[{"a":1}]`), want: `{"_corrupt_record":"[{\"a\":1}]","a":null,"s":null}`, bad: true},
		{name: "top-level number", in: str(`1`), want: `{"_corrupt_record":"1","a":null,"s":null}`, bad: true},
		{name: "top-level null", in: str(`null`), want: `{"_corrupt_record":"null","a":null,"s":null}`, bad: true},
		{name: "trailing text ignored", in: str(`{"a":1} xyz`), want: `{"_corrupt_record":null,"a":1,"s":null}`}, // Jackson reads one value
		{name: "bad syntax in ignored field", in: str(`{"a":1,"z":[1,}`), want: `{"_corrupt_record":"{\"a\":1,\"z\":[1,}","a":null,"s":null}`, bad: true},
		{name: "partial row keeps good fields", in: str(`{"a":"x","s":"kept"}`), want: `{"_corrupt_record":"{\"a\":\"x\",\"s\":\"kept\"}","a":null,"s":"kept"}`, bad: true},
		{name: "corrupt key in JSON ignored", in: str(`{"_corrupt_record":"no","a":1}`), want: `{"_corrupt_record":null,"a":1,"s":null}`},
		{name: "leading zeros", in: str(`{"a":01}`), want: `{"_corrupt_record":"{\"a\":01}","a":null,"s":null}`, bad: true},
		{name: "leading zeros allowed", in: str(`{"a":007}`), want: `{"_corrupt_record":null,"a":7,"s":null}`, opts: Options{AllowNumericLeadingZeros: true}},
		{name: "plus sign", in: str(`{"a":+1}`), want: `{"_corrupt_record":"{\"a\":+1}","a":null,"s":null}`, bad: true},
		{name: "single quotes refused", in: str(`{'a':1}`), want: `{"_corrupt_record":"{'a':1}","a":null,"s":null}`, bad: true, opts: Options{RejectSingleQuotes: true}},
		{name: "single-quoted key", in: str(`{'a':1}`), want: `{"_corrupt_record":null,"a":1,"s":null}`},
		{name: "raw control char", in: str("{\"s\":\"a\tb\"}"), want: `{"_corrupt_record":"{\"s\":\"a\tb\"}","a":null,"s":null}`, bad: true},
		{name: "raw control char allowed", in: str("{\"s\":\"a\tb\"}"), want: `{"_corrupt_record":null,"a":null,"s":"a\tb"}`, opts: Options{AllowUnquotedControlChars: true}},
		{name: "bad escape", in: str(`{"s":"\x"}`), want: `{"_corrupt_record":"{\"s\":\"\\x\"}","a":null,"s":null}`, bad: true},
		{name: "short unicode escape", in: str(`{"s":"\u12"}`), want: `{"_corrupt_record":"{\"s\":\"\\u12\"}","a":null,"s":null}`, bad: true},
		// Java's UTF-8 decoder (InputStreamReader) replaces invalid bytes.
		{name: "invalid utf-8 in string", in: str("{\"s\":\"a\xffb\xc3\"}"), want: `{"_corrupt_record":null,"a":null,"s":"a�b�"}`},
		{name: "invalid utf-8 outside string", in: str("{\"a\":1\xff}"), want: `{"_corrupt_record":"{\"a\":1�}","a":null,"s":null}`, bad: true},
		{name: "nesting too deep", in: str(`{"z":` + deep + `}`), want: `{"_corrupt_record":"{\"z\":` + deep + `}","a":null,"s":null}`, bad: true},
		{name: "nesting below the limit", in: str(`{"z":` + okDeep + `,"a":3}`), want: `{"_corrupt_record":null,"a":3,"s":null}`},
		{name: "huge string", in: str(`{"s":"` + huge + `"}`), want: `{"_corrupt_record":null,"a":null,"s":"` + huge + `"}`},
		{name: "string over the limit", in: str(`{"s":"xxxxx"}`), want: `{"_corrupt_record":"{\"s\":\"xxxxx\"}","a":null,"s":null}`, bad: true, opts: Options{MaxStringLength: 4}},
		{name: "number too long", in: str(`{"a":` + strings.Repeat("1", 1001) + `}`), want: `{"_corrupt_record":"{\"a\":` + strings.Repeat("1", 1001) + `}","a":null,"s":null}`, bad: true},
		{name: "case sensitive", in: str(`{"A":1}`), want: `{"_corrupt_record":null,"a":null,"s":null}`},
		{name: "case insensitive", in: str(`{"A":1,"S":"x"}`), want: `{"_corrupt_record":null,"a":1,"s":"x"}`, opts: Options{CaseInsensitive: true}},
		{name: "other corrupt column name", in: str(`{`), want: `{"_corrupt_record":null,"a":null,"s":null}`, bad: true, opts: Options{ColumnNameOfCorruptRecord: "raw"}},
		{name: "whitespace everywhere", in: str(" \r\n{ \"a\" :\t1 , \"s\" : \"x\" } "), want: `{"_corrupt_record":null,"a":1,"s":"x"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mem := checkedMem(t)
			in := stringArray(mem, []*string{tc.in})
			defer in.Release()
			res, err := FromJSON(mem, in, rowType, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Release()
			if err := array.ValidateFull(res.Rows); err != nil {
				t.Fatalf("invalid arrow output: %v", err)
			}
			if got := rowJSON(t, res.Rows, 0); got != tc.want {
				t.Errorf("got  %.300s\nwant %.300s", got, tc.want)
			}
			if gotBad := len(res.Malformed) > 0; gotBad != tc.bad {
				t.Errorf("malformed = %v (%v), want %v", gotBad, res.FirstError, tc.bad)
			}
		})
	}
}

func TestFromJSONModes(t *testing.T) {
	rows := rowsOf(`{"a":1}`, `{"a":`, `{"a":"x","s":"y"}`, `{"a":4}`)
	t.Run("permissive", func(t *testing.T) {
		mem := checkedMem(t)
		in := stringArray(mem, rows)
		defer in.Release()
		res, err := FromJSON(mem, in, rowType, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer res.Release()
		if got := res.Malformed; len(got) != 2 || got[0] != 1 || got[1] != 2 {
			t.Fatalf("Malformed = %v, want [1 2]", got)
		}
		if res.Keep != nil {
			t.Fatal("Keep is only for DropMalformed")
		}
		if res.FirstError == nil || res.FirstError.Row != 1 || res.FirstError.Field != "" {
			t.Fatalf("FirstError = %+v", res.FirstError)
		}
	})
	t.Run("dropmalformed", func(t *testing.T) {
		mem := checkedMem(t)
		in := stringArray(mem, rows)
		defer in.Release()
		res, err := FromJSON(mem, in, rowType, Options{Mode: DropMalformed})
		if err != nil {
			t.Fatal(err)
		}
		defer res.Release()
		if res.Keep == nil || res.Keep.Len() != 4 {
			t.Fatalf("Keep = %v", res.Keep)
		}
		want := []bool{true, false, false, true}
		for i, w := range want {
			if res.Keep.Value(i) != w {
				t.Errorf("Keep[%d] = %v, want %v", i, res.Keep.Value(i), w)
			}
		}
	})
	t.Run("failfast", func(t *testing.T) {
		mem := checkedMem(t)
		in := stringArray(mem, rows)
		defer in.Release()
		res, err := FromJSON(mem, in, rowType, Options{Mode: FailFast})
		if res != nil {
			t.Fatal("FailFast returns no result on error")
		}
		var me *MalformedError
		if !errors.As(err, &me) || !errors.Is(err, ErrMalformed) || me.Row != 1 {
			t.Fatalf("err = %v, want a MalformedError for row 1", err)
		}
		t.Log(err)
	})
	t.Run("failfast on a conversion error names the field", func(t *testing.T) {
		mem := checkedMem(t)
		in := stringArray(mem, rowsOf(`{"a":1}`, `{"a":"x"}`))
		defer in.Release()
		_, err := FromJSON(mem, in, rowType, Options{Mode: FailFast})
		var me *MalformedError
		if !errors.As(err, &me) || me.Row != 1 || me.Field != "a" {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestFromJSONBatches(t *testing.T) {
	t.Run("empty batch", func(t *testing.T) {
		mem := checkedMem(t)
		in := stringArray(mem, nil)
		defer in.Release()
		res, err := FromJSON(mem, in, rowType, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer res.Release()
		if res.Rows.Len() != 0 || array.ValidateFull(res.Rows) != nil {
			t.Fatalf("want an empty valid column, got %d rows", res.Rows.Len())
		}
	})
	t.Run("binary input and many rows", func(t *testing.T) {
		mem := checkedMem(t)
		b := array.NewBinaryBuilder(mem, arrow.BinaryTypes.Binary)
		for i := 0; i < 5000; i++ {
			switch i % 3 {
			case 0:
				b.Append([]byte(`{"a":7,"s":"seven"}`))
			case 1:
				b.AppendNull()
			default:
				b.Append([]byte(`{"a":`))
			}
		}
		in := b.NewArray()
		b.Release()
		defer in.Release()
		res, err := FromJSON(mem, in, rowType, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer res.Release()
		if err := array.ValidateFull(res.Rows); err != nil {
			t.Fatal(err)
		}
		if len(res.Malformed) != 1666 || res.Rows.NullN() != 1667 {
			t.Fatalf("malformed %d, null rows %d", len(res.Malformed), res.Rows.NullN())
		}
		if got := rowJSON(t, res.Rows, 4998); got != `{"_corrupt_record":null,"a":7,"s":"seven"}` {
			t.Fatal(got)
		}
	})
	t.Run("sliced large_string input", func(t *testing.T) {
		mem := checkedMem(t)
		b := array.NewLargeStringBuilder(mem)
		b.AppendValues([]string{`{"a":1}`, `{"a":2}`, `{"a":3}`}, nil)
		full := b.NewArray()
		b.Release()
		defer full.Release()
		in := array.NewSlice(full, 1, 3)
		defer in.Release()
		res, err := FromJSON(mem, in, rowType, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer res.Release()
		if got := rowJSON(t, res.Rows, 0); got != `{"_corrupt_record":null,"a":2,"s":null}` {
			t.Fatal(got)
		}
	})
	t.Run("non-text input", func(t *testing.T) {
		mem := checkedMem(t)
		b := array.NewInt64Builder(mem)
		b.Append(1)
		in := b.NewArray()
		b.Release()
		defer in.Release()
		if _, err := FromJSON(mem, in, rowType, Options{}); err == nil {
			t.Fatal("want an error for an int64 input column")
		}
	})
}

func TestNewParserRefuses(t *testing.T) {
	cases := []struct {
		name string
		typ  *arrow.StructType
		opts Options
	}{
		{"unsupported type", arrow.StructOf(arrow.Field{Name: "d", Type: arrow.FixedWidthTypes.Duration_s}), Options{}},
		{"map with int keys", arrow.StructOf(arrow.Field{Name: "m", Type: arrow.MapOf(arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Int32)}), Options{}},
		{"corrupt field not a string", arrow.StructOf(arrow.Field{Name: "_corrupt_record", Type: arrow.PrimitiveTypes.Int32}), Options{}},
		{"case collision", arrow.StructOf(arrow.Field{Name: "a", Type: arrow.PrimitiveTypes.Int32}, arrow.Field{Name: "A", Type: arrow.PrimitiveTypes.Int32}), Options{CaseInsensitive: true}},
		{"bad pattern", rowType, Options{TimestampFormat: "yyyy-MM-dd QQQ"}},
		{"bad mode", rowType, Options{Mode: 9}},
		{"nil type", nil, Options{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewParser(tc.typ, tc.opts)
			if err == nil {
				t.Fatal("want an error")
			}
			if !strings.HasPrefix(err.Error(), "jsonkernel: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
}

func TestParseMode(t *testing.T) {
	for s, want := range map[string]Mode{"permissive": Permissive, "DROPMALFORMED": DropMalformed, "FailFast": FailFast} {
		if got, err := ParseMode(s); err != nil || got != want {
			t.Errorf("ParseMode(%q) = %v, %v", s, got, err)
		}
	}
	if _, err := ParseMode("lenient"); err == nil {
		t.Error("want an error for an unknown mode")
	}
}

// A Parser is shared by the tasks of a query: parse concurrently.
func TestParserConcurrentUse(t *testing.T) {
	p, err := NewParser(rowType, Options{})
	if err != nil {
		t.Fatal(err)
	}
	mem := checkedMem(t)
	in := stringArray(mem, rowsOf(`{"a":1,"s":"x"}`, `{"a":2}`))
	defer in.Release()
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		go func() {
			res, err := p.Parse(memory.NewGoAllocator(), in)
			if err == nil {
				res.Release()
			}
			errs <- err
		}()
	}
	for g := 0; g < 8; g++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
