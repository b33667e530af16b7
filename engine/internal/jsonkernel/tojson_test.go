package jsonkernel

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// jsonRoundTrip parses texts with FromJSON and writes them back with
// ToJSON, so both kernels are checked against one expected text.
func jsonRoundTrip(t *testing.T, mem memory.Allocator, typ *arrow.StructType, opts WriteOptions, rows ...*string) []*string {
	t.Helper()
	in := stringArray(mem, rows)
	defer in.Release()
	res, err := FromJSON(mem, in, typ, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Release()
	out, err := ToJSON(mem, res.Rows, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Release()
	if err := array.ValidateFull(out); err != nil {
		t.Fatal(err)
	}
	got := make([]*string, out.Len())
	for i := range got {
		if !out.IsNull(i) {
			got[i] = str(out.Value(i))
		}
	}
	return got
}

func TestToJSON(t *testing.T) {
	typ := arrow.StructOf(
		arrow.Field{Name: "i", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		arrow.Field{Name: "u", Type: arrow.PrimitiveTypes.Uint64, Nullable: true},
		arrow.Field{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		arrow.Field{Name: "g", Type: arrow.PrimitiveTypes.Float32, Nullable: true},
		arrow.Field{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		arrow.Field{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
		arrow.Field{Name: "bin", Type: arrow.BinaryTypes.Binary, Nullable: true},
		arrow.Field{Name: "dec", Type: &arrow.Decimal128Type{Precision: 6, Scale: 2}, Nullable: true},
		arrow.Field{Name: "d", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
		arrow.Field{Name: "ts", Type: arrow.FixedWidthTypes.Timestamp_us, Nullable: true},
		arrow.Field{Name: "ntz", Type: &arrow.TimestampType{Unit: arrow.Millisecond}, Nullable: true},
		arrow.Field{Name: "l", Type: arrow.ListOf(arrow.PrimitiveTypes.Int64), Nullable: true},
		arrow.Field{Name: "m", Type: arrow.MapOf(arrow.BinaryTypes.String, arrow.BinaryTypes.String), Nullable: true},
		arrow.Field{Name: "st", Type: arrow.StructOf(arrow.Field{Name: "x", Type: arrow.PrimitiveTypes.Int64, Nullable: true}), Nullable: true},
	)
	cases := []struct {
		name string
		in   *string
		opts WriteOptions
		want *string
	}{
		{name: "null row", in: nil, want: nil},
		{name: "nulls omitted", in: str(`{"i":1}`), want: str(`{"i":1}`)},
		{name: "nulls kept", in: str(`{"i":1}`), opts: WriteOptions{IncludeNullFields: true},
			want: str(`{"i":1,"u":null,"f":null,"g":null,"b":null,"s":null,"bin":null,"dec":null,"d":null,"ts":null,"ntz":null,"l":null,"m":null,"st":null}`)},
		{name: "every type", in: str(`{"i":-3,"u":18446744073709551615,"f":19.99,"g":0.5,"b":true,"s":"q\"\n\u0001é","bin":"aGk=","dec":"12.3","d":"2026-11-25","ts":"2026-11-25T10:11:12.123456Z","ntz":"2026-11-25T10:11:12","l":[1,null,3],"m":{"k":"v","n":null},"st":{"x":5}}`),
			want: str(`{"i":-3,"u":18446744073709551615,"f":19.99,"g":0.5,"b":true,"s":"q\"\n\u0001é","bin":"aGk=","dec":12.30,"d":"2026-11-25","ts":"2026-11-25T10:11:12.123Z","ntz":"2026-11-25T10:11:12.000","l":[1,null,3],"m":{"k":"v","n":null},"st":{"x":5}}`)},
		// Java's Double.toString, and Jackson's quoted NaN/Infinity.
		{name: "java floats", in: str(`{"f":1e10,"g":3}`), want: str(`{"f":1.0E10,"g":3.0}`)},
		{name: "small float", in: str(`{"f":0.0001}`), want: str(`{"f":1.0E-4}`)},
		{name: "nan", in: str(`{"f":NaN,"g":-Infinity}`), want: str(`{"f":"NaN","g":"-Infinity"}`)},
		{name: "empty struct and list", in: str(`{"l":[],"st":{}}`), want: str(`{"l":[],"st":{}}`)},
		{name: "custom formats", in: str(`{"d":"2026-11-25","ts":"2026-11-25T10:11:12Z"}`), opts: WriteOptions{DateFormat: "dd/MM/yyyy", TimestampFormat: "yyyy-MM-dd HH:mm"},
			want: str(`{"d":"25/11/2026","ts":"2026-11-25 10:11"}`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mem := checkedMem(t)
			got := jsonRoundTrip(t, mem, typ, tc.opts, tc.in)[0]
			switch {
			case (got == nil) != (tc.want == nil):
				t.Fatalf("got %v, want %v", deref(got), deref(tc.want))
			case got != nil && *got != *tc.want:
				t.Errorf("got  %s\nwant %s", *got, *tc.want)
			}
		})
	}
}

func deref(s *string) string {
	if s == nil {
		return "<null>"
	}
	return *s
}

func TestToJSONSessionZone(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no zone database:", err)
	}
	mem := checkedMem(t)
	typ := arrow.StructOf(arrow.Field{Name: "ts", Type: arrow.FixedWidthTypes.Timestamp_ms, Nullable: true})
	got := jsonRoundTrip(t, mem, typ, WriteOptions{TimeZone: berlin}, str(`{"ts":"2026-07-01T10:00:00Z"}`))
	if want := `{"ts":"2026-07-01T12:00:00.000+02:00"}`; *got[0] != want {
		t.Fatalf("got %s, want %s", *got[0], want)
	}
}

func TestToJSONTopLevelListAndMap(t *testing.T) {
	mem := checkedMem(t)
	lb := array.NewListBuilder(mem, arrow.BinaryTypes.String)
	defer lb.Release()
	lb.Append(true)
	lb.ValueBuilder().(*array.StringBuilder).AppendValues([]string{"a", "b"}, nil)
	lb.AppendNull()
	list := lb.NewArray()
	defer list.Release()
	out, err := ToJSON(mem, list, WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Release()
	if out.Value(0) != `["a","b"]` || !out.IsNull(1) {
		t.Fatalf("got %q, null=%v", out.Value(0), out.IsNull(1))
	}

	mb := array.NewMapBuilder(mem, arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Float64, false)
	defer mb.Release()
	mb.Append(true)
	mb.KeyBuilder().(*array.Int32Builder).Append(7)
	mb.ItemBuilder().(*array.Float64Builder).Append(math.Inf(1))
	m := mb.NewArray()
	defer m.Release()
	mout, err := ToJSON(mem, m, WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer mout.Release()
	if got := mout.Value(0); got != `{"7":"Infinity"}` {
		t.Fatalf("got %s", got)
	}
}

func TestToJSONRefuses(t *testing.T) {
	mem := checkedMem(t)
	b := array.NewInt64Builder(mem)
	b.Append(1)
	ints := b.NewArray()
	b.Release()
	defer ints.Release()
	if _, err := ToJSON(mem, ints, WriteOptions{}); err == nil || !strings.HasPrefix(err.Error(), "jsonkernel: ") {
		t.Fatalf("want a jsonkernel error for a primitive column, got %v", err)
	}
	sb := array.NewStructBuilder(mem, arrow.StructOf(arrow.Field{Name: "d", Type: arrow.FixedWidthTypes.Duration_s}))
	defer sb.Release()
	sb.Append(true)
	sb.FieldBuilder(0).(*array.DurationBuilder).Append(1)
	st := sb.NewArray()
	defer st.Release()
	if _, err := ToJSON(mem, st, WriteOptions{}); err == nil {
		t.Fatal("want an error for a duration field")
	}
}

func TestAppendJavaFloat(t *testing.T) {
	cases := []struct {
		v    float64
		bits int
		want string
	}{
		{1, 64, "1.0"}, {-2.5, 64, "-2.5"}, {0, 64, "0.0"}, {math.Copysign(0, -1), 64, "-0.0"},
		{1e7, 64, "1.0E7"}, {9999999, 64, "9999999.0"}, {0.001, 64, "0.001"}, {0.00012, 64, "1.2E-4"},
		{1.5e300, 64, "1.5E300"}, {0.1, 32, "0.1"}, {123456789, 32, "1.2345679E8"}, // shortest digits, as JDK 19+; JDK 17 prints 1.23456792E8
	}
	for _, tc := range cases {
		if got := string(appendJavaFloat(nil, tc.v, tc.bits)); got != tc.want {
			t.Errorf("appendJavaFloat(%v, %d) = %s, want %s", tc.v, tc.bits, got, tc.want)
		}
	}
}
