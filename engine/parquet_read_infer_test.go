package engine

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/scalar"
)

func TestInferPartitionValue(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		want partType
	}{
		{"__HIVE_DEFAULT_PARTITION__", partType{kind: kindNull}},
		{"0", partType{kind: kindInt}},
		{"-2147483648", partType{kind: kindInt}},
		{"+7", partType{kind: kindInt}},
		{"007", partType{kind: kindInt}}, // Spark reads zip=02134 as 2134 too
		{"2147483648", partType{kind: kindLong}},
		{"-9223372036854775808", partType{kind: kindLong}},
		{"9223372036854775808", partType{kind: kindDecimal, precision: 19}},
		{"000123456789012345678901", partType{kind: kindDecimal, precision: 21}},
		{strings.Repeat("9", 38), partType{kind: kindDecimal, precision: 38}},
		{strings.Repeat("9", 39), partType{kind: kindDouble}},
		{"1.5", partType{kind: kindDouble}},
		{".5", partType{kind: kindDouble}},
		{"5.", partType{kind: kindDouble}},
		{"-1e10", partType{kind: kindDouble}},
		{"1.5d", partType{kind: kindDouble}},
		{"NaN", partType{kind: kindDouble}},
		{"-Infinity", partType{kind: kindDouble}},
		{"1_000", partType{kind: kindString}},
		{"0x10", partType{kind: kindString}},
		{"inf", partType{kind: kindString}},
		{"2026-01-02", partType{kind: kindDate}},
		{"2026-02-30", partType{kind: kindString}},
		{"2026-1-2", partType{kind: kindString}},
		{"2026-01-02 03%3A04%3A05", partType{kind: kindTimestamp}},
		{"2026-01-02 03%3A04%3A05.123456789", partType{kind: kindTimestamp}},
		{"2026-01-02 03:04:05", partType{kind: kindTimestamp}},
		{"2026-01-02T03%3A04%3A05", partType{kind: kindString}},
		{"2026-01-02 25%3A04%3A05", partType{kind: kindString}},
		{"US", partType{kind: kindString}},
		{"true", partType{kind: kindString}},
		{"a%2Fb", partType{kind: kindString}},
	} {
		if got := inferPartitionValue(tc.raw); got != tc.want {
			t.Errorf("inferPartitionValue(%q) = %+v, want %+v", tc.raw, got, tc.want)
		}
	}
}

func TestWidenPartitionTypes(t *testing.T) {
	null, i, l, d, f, date, ts, s := partType{kind: kindNull}, partType{kind: kindInt}, partType{kind: kindLong},
		partType{kind: kindDecimal, precision: 25}, partType{kind: kindDouble}, partType{kind: kindDate}, partType{kind: kindTimestamp}, partType{kind: kindString}
	for _, tc := range []struct{ a, b, want partType }{
		{null, null, null},
		{null, i, i}, {null, d, d}, {null, date, date}, {null, s, s},
		{i, i, i}, {i, l, l}, {i, f, f}, {i, date, s}, {i, ts, s}, {i, s, s},
		{i, partType{kind: kindDecimal, precision: 5}, partType{kind: kindDecimal, precision: 10}},
		{l, partType{kind: kindDecimal, precision: 19}, partType{kind: kindDecimal, precision: 20}},
		{l, d, d}, {l, f, s}, {d, f, s},
		{d, partType{kind: kindDecimal, precision: 30}, partType{kind: kindDecimal, precision: 30}},
		{date, ts, ts}, {date, date, date}, {ts, s, s}, {f, date, s},
	} {
		if got := widenPartitionTypes(tc.a, tc.b); got != tc.want {
			t.Errorf("widen(%+v, %+v) = %+v, want %+v", tc.a, tc.b, got, tc.want)
		}
		if got := widenPartitionTypes(tc.b, tc.a); got != tc.want {
			t.Errorf("widen(%+v, %+v) = %+v, want %+v (not symmetric)", tc.b, tc.a, got, tc.want)
		}
	}
}

func TestPartitionScalar(t *testing.T) {
	tsUS := &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	tsNS := &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "Europe/Paris"}
	for _, tc := range []struct {
		raw  string
		dt   arrow.DataType
		want string // the scalar's String(), or "error: ..." (a part of it)
	}{
		{"a%2Fb%3Dc", arrow.BinaryTypes.String, "a/b=c"},
		{"50%25%3A ok%3F", arrow.BinaryTypes.String, "50%: ok?"},
		{"ünï %231", arrow.BinaryTypes.String, "ünï #1"},
		{"x", arrow.BinaryTypes.LargeString, "x"},
		{"__HIVE_DEFAULT_PARTITION__", arrow.BinaryTypes.String, "null"},
		{"__HIVE_DEFAULT_PARTITION__", arrow.PrimitiveTypes.Int32, "null"},
		{"-12", arrow.PrimitiveTypes.Int8, "-12"},
		{"300", arrow.PrimitiveTypes.Int8, "error: not a 8-bit integer"},
		{"70000", arrow.PrimitiveTypes.Int32, "70000"},
		{"9223372036854775807", arrow.PrimitiveTypes.Int64, "9223372036854775807"},
		{"18446744073709551615", arrow.PrimitiveTypes.Uint64, "18446744073709551615"},
		{"-1", arrow.PrimitiveTypes.Uint16, "error: not an unsigned 16-bit integer"},
		{"1.5", arrow.PrimitiveTypes.Float64, "1.5"},
		{"7", arrow.PrimitiveTypes.Float64, "7"},
		{"TRUE", arrow.FixedWidthTypes.Boolean, "true"},
		{"yes", arrow.FixedWidthTypes.Boolean, "error: not true or false"},
		{"12345678901234567890123", &arrow.Decimal128Type{Precision: 23}, "12345678901234567890123"},
		{"2026-01-02", arrow.FixedWidthTypes.Date32, "2026-01-02"},
		{"1969-12-31", arrow.FixedWidthTypes.Date32, "1969-12-31"},
		{"2026-13-02", arrow.FixedWidthTypes.Date32, "error: not a valid date"},
		{"2026-01-02 03%3A04%3A05.25", tsUS, "2026-01-02 03:04:05.25Z"},
		{"2026-01-02", tsUS, "2026-01-02 00:00:00Z"},
		{"2026-01-02 03%3A04%3A05.123456789", tsNS, "2026-01-02 04:04:05.123456789+0100"},
		{"noon", tsUS, "error: not a timestamp"},
		{"x", arrow.BinaryTypes.Binary, "error: cannot be read from folder names"},
	} {
		sc, err := partitionScalar(tc.raw, tc.dt)
		got := ""
		if err != nil {
			got = "error: " + err.Error()
		} else {
			if !arrow.TypeEqual(sc.DataType(), tc.dt) {
				t.Errorf("partitionScalar(%q, %s) has type %s", tc.raw, tc.dt, sc.DataType())
			}
			got = sc.String()
		}
		if got != tc.want && !(strings.HasPrefix(tc.want, "error: ") && strings.Contains(got, strings.TrimPrefix(tc.want, "error: "))) {
			t.Errorf("partitionScalar(%q, %s) = %s, want %s", tc.raw, tc.dt, got, tc.want)
		}
	}
	for _, raw := range []string{"NaN", "-NaN", "+NaN"} {
		sc, err := partitionScalar(raw, arrow.PrimitiveTypes.Float64)
		if err != nil || !math.IsNaN(sc.(*scalar.Float64).Value) {
			t.Errorf("partitionScalar(%q) = %v, %v; want NaN", raw, sc, err)
		}
	}
}

func TestUnescapePathName(t *testing.T) {
	for in, want := range map[string]string{
		"plain":         "plain",
		"a%2Fb":         "a/b",
		"a%2fb":         "a/b",
		"%3D%3d":        "==",
		"100%":          "100%",
		"%2":            "%2",
		"%zz%41":        "%zzA",
		"%E9t%E9":       "été", // a code above 0x7F is that character, as in Spark
		"%%41":          "%A",
		"x%2F":          "x/",
		"%252F":         "%2F",
		"ünï %231":      "ünï #1",
		"__HIVE_%5F_x_": "__HIVE___x_",
	} {
		if got := unescapePathName(in); got != want {
			t.Errorf("unescapePathName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParsePartitionFolders(t *testing.T) {
	for _, tc := range []struct {
		rel         string
		names, raws string // joined by ","
		err         string
	}{
		{rel: "."},
		{rel: ""},
		{rel: "date=2026-01-02/country=US", names: "date,country", raws: "2026-01-02,US"},
		{rel: "a%3Db=x%2Fy", names: "a=b", raws: "x%2Fy"},
		{rel: "v=a=b", names: "v", raws: "a=b"},
		{rel: "date=1/plain/more", names: "date", raws: "1"}, // folders below the partitions are passed over
		{rel: "tables/t1/date=1/n=2", names: "date,n", raws: "1,2"},
		{rel: "x=1/plain/date=2", names: "date", raws: "2"}, // the search ends at "plain"
		{rel: "=1", err: "empty partition column name"},
		{rel: "a=", err: "empty partition value"},
		{rel: "a=1/A=2", err: "appears twice"},
	} {
		pf, err := parsePartitionFolders(tc.rel)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("parsePartitionFolders(%q) error %v, want %q", tc.rel, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("parsePartitionFolders(%q): %v", tc.rel, err)
			continue
		}
		if got := strings.Join(pf.names, ","); got != tc.names {
			t.Errorf("parsePartitionFolders(%q) names %q, want %q", tc.rel, got, tc.names)
		}
		if got := strings.Join(pf.raws, ","); got != tc.raws {
			t.Errorf("parsePartitionFolders(%q) values %q, want %q", tc.rel, got, tc.raws)
		}
	}
}

func TestDiscoverPartitions(t *testing.T) {
	files := func(rels ...string) []partitionedFile {
		var out []partitionedFile
		for i, r := range rels {
			out = append(out, partitionedFile{path: r + "/f" + string(rune('0'+i)) + ".parquet", rel: r})
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		files []partitionedFile
		hints map[string]arrow.DataType
		want  string // the fields, then each file's values
		err   string
	}{
		{name: "none", files: files(".", "sub"), want: " | [] []"},
		{name: "inferred", files: files("d=2026-01-01/n=1/c=US", "d=2026-01-02/n=3000000000/c=__HIVE_DEFAULT_PARTITION__"),
			want: "d:date32 n:int64 c:utf8 | [2026-01-01 1 US] [2026-01-02 3000000000 null]"},
		{name: "widened to string", files: files("v=1", "v=2026-01-01"), want: "v:utf8 | [1] [2026-01-01]"},
		{name: "int and double", files: files("v=1", "v=2.5"), want: "v:float64 | [1] [2.5]"},
		{name: "date and timestamp", files: files("v=2026-01-01", "v=2026-01-01 10%3A00%3A00"),
			want: "v:timestamp[us, tz=UTC] | [2026-01-01 00:00:00Z] [2026-01-01 10:00:00Z]"},
		{name: "nulls only", files: files("v=__HIVE_DEFAULT_PARTITION__"), want: "v:utf8 | [null]"},
		{name: "case-insensitive names", files: files("Date=1", "date=2"), want: "Date:int32 | [1] [2]"},
		{name: "hint", files: files("zip=02134", "zip=10001"), hints: map[string]arrow.DataType{"zip": arrow.BinaryTypes.String},
			want: "zip:utf8 | [02134] [10001]"},
		{name: "hint that does not fit", files: files("n=x"), hints: map[string]arrow.DataType{"n": arrow.PrimitiveTypes.Int32},
			err: "n=x/f0.parquet: partition folder n=x cannot be read as int32"},
		{name: "missing column", files: files("date=1/c=US", "date=2"),
			err: "date=1/c=US/f0.parquet is under partition folders date=…/c=… but date=2/f1.parquet is under partition folders date=…"},
		{name: "unpartitioned file", files: files("date=1", "."),
			err: "but ./f1.parquet is under no partition folder"},
		{name: "bad folder", files: files("date=1", "date="), err: "date=/f1.parquet: folder \"date=\" has an empty partition value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := discoverPartitions(tc.files, tc.hints)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var fields []string
			for _, f := range p.fields {
				if !f.Nullable {
					t.Errorf("partition column %s is not nullable", f.Name)
				}
				fields = append(fields, f.Name+":"+f.Type.String())
			}
			got := strings.Join(fields, " ") + " |"
			for _, vals := range p.values {
				var vs []string
				for _, v := range vals {
					vs = append(vs, v.String())
				}
				got += " [" + strings.Join(vs, " ") + "]"
			}
			if got != tc.want {
				t.Fatalf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestSplitGlob(t *testing.T) {
	for _, tc := range []struct{ pattern, base, segs, err string }{
		{pattern: "out/**/*.parquet", base: "out", segs: "**,*.parquet"},
		{pattern: "out/date=2026-*", base: "out", segs: "date=2026-*"},
		{pattern: "/data/out/d=[12]/x", base: "/data/out", segs: "d=[12],x"},
		{pattern: "/*", base: "/", segs: "*"},
		{pattern: "*.parquet", base: ".", segs: "*.parquet"},
		{pattern: "./a/../b/*", base: "b", segs: "*"},
		{pattern: "out/[", err: "bad pattern"},
	} {
		base, segs, err := splitGlob(tc.pattern)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("splitGlob(%q) error %v, want %q", tc.pattern, err, tc.err)
			}
			continue
		}
		if err != nil || base != tc.base || strings.Join(segs, ",") != tc.segs {
			t.Errorf("splitGlob(%q) = %q, %q, %v; want %q, %q", tc.pattern, base, segs, err, tc.base, tc.segs)
		}
	}
}

func TestHiddenName(t *testing.T) {
	for name, want := range map[string]bool{
		"_spate_log": true, "_SUCCESS": true, ".part.crc": true, "x.parquet._COPYING_": true,
		"_c=1": false, "date=2026-01-01": false, "part-00000-00000-000.parquet": false,
	} {
		if got := hiddenName(name); got != want {
			t.Errorf("hiddenName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestProjectFile(t *testing.T) {
	want := arrow.NewSchema([]arrow.Field{
		{Name: "a", Type: arrow.PrimitiveTypes.Int64},
		{Name: "b", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	for _, tc := range []struct {
		name string
		have []arrow.Field
		want string
		err  string
	}{
		{name: "same", have: want.Fields(), want: "[0 1]"},
		{name: "reordered and extra", have: []arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int8}, {Name: "b", Type: arrow.BinaryTypes.String}, {Name: "a", Type: arrow.PrimitiveTypes.Int64}}, want: "[2 1]"},
		{name: "lacks a nullable column", have: []arrow.Field{{Name: "a", Type: arrow.PrimitiveTypes.Int64}}, want: "[0 -1]"},
		{name: "lacks a required column", have: []arrow.Field{{Name: "b", Type: arrow.BinaryTypes.String}}, err: "no column a, which first.parquet has and declares not null"},
		{name: "other type", have: []arrow.Field{{Name: "a", Type: arrow.PrimitiveTypes.Int32}, {Name: "b", Type: arrow.BinaryTypes.String}}, err: "its column a is int32, but int64 in first.parquet"},
	} {
		got, err := projectFile(want, arrow.NewSchema(tc.have, nil), "first.parquet")
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil || fmt.Sprint(got) != tc.want {
			t.Errorf("%s: got %v, %v; want %s", tc.name, got, err, tc.want)
		}
	}
}

// FuzzPartitionValues checks that what inference decides can be read: a
// column's values always read as the type inferred from them together.
func FuzzPartitionValues(f *testing.F) {
	for _, seed := range [][2]string{
		{"1", "2.5"}, {"1", "9223372036854775808"}, {"2026-01-02", "2026-01-02 03%3A04%3A05.5"},
		{"__HIVE_DEFAULT_PARTITION__", "x%2Fy"}, {"-0", "+NaN"}, {"1e400", ".5f"}, {"%E9", "%"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if a == "" || b == "" {
			return // empty values are refused before inference
		}
		dt := widenPartitionTypes(inferPartitionValue(a), inferPartitionValue(b)).arrowType()
		for _, raw := range []string{a, b} {
			if _, err := partitionScalar(raw, dt); err != nil {
				t.Fatalf("%q inferred with %q as %s, but does not read as it: %v", raw, []string{a, b}, dt, err)
			}
		}
		if _, err := parsePartitionFolders(a + "=" + b + "/" + b + "=" + a); err != nil && !strings.Contains(err.Error(), "appears twice") && !strings.Contains(err.Error(), "empty") {
			t.Fatalf("parsePartitionFolders: %v", err)
		}
	})
}
