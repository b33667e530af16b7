package parquet

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/internal/parquetlog"
)

func TestSchemaCodecRoundTrip(t *testing.T) {
	md := arrow.NewMetadata([]string{"origin"}, []string{"kafka"})
	everything := arrow.NewSchema([]arrow.Field{
		{Name: "i8", Type: arrow.PrimitiveTypes.Int8}, {Name: "u64", Type: arrow.PrimitiveTypes.Uint64},
		{Name: "f16", Type: arrow.FixedWidthTypes.Float16}, {Name: "f32", Type: arrow.PrimitiveTypes.Float32},
		{Name: "ls", Type: arrow.BinaryTypes.LargeString}, {Name: "lb", Type: arrow.BinaryTypes.LargeBinary},
		{Name: "sv", Type: arrow.BinaryTypes.StringView},
		{Name: "d32", Type: arrow.FixedWidthTypes.Date32}, {Name: "d64", Type: arrow.FixedWidthTypes.Date64},
		{Name: "ts_ns", Type: &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "Europe/Paris"}},
		{Name: "ts_local", Type: &arrow.TimestampType{Unit: arrow.Second}},
		{Name: "t32", Type: arrow.FixedWidthTypes.Time32ms}, {Name: "t64", Type: arrow.FixedWidthTypes.Time64ns},
		{Name: "dur", Type: arrow.FixedWidthTypes.Duration_us},
		{Name: "iv", Type: arrow.FixedWidthTypes.MonthDayNanoInterval},
		{Name: "fsb", Type: &arrow.FixedSizeBinaryType{ByteWidth: 16}},
		{Name: "dec", Type: &arrow.Decimal128Type{Precision: 38, Scale: 9}},
		{Name: "dec256", Type: &arrow.Decimal256Type{Precision: 76, Scale: 0}},
		{Name: "ll", Type: arrow.LargeListOf(arrow.PrimitiveTypes.Int64)},
		{Name: "fsl", Type: arrow.FixedSizeListOf(3, arrow.PrimitiveTypes.Float64)},
		{Name: "m", Type: arrow.MapOf(arrow.BinaryTypes.String, arrow.ListOf(arrow.PrimitiveTypes.Int32)), Nullable: true},
		{Name: "dict", Type: &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int16, ValueType: arrow.BinaryTypes.String, Ordered: true}},
		{Name: "deep", Type: arrow.StructOf(arrow.Field{Name: "s", Type: arrow.StructOf(arrow.Field{Name: "x", Type: arrow.FixedWidthTypes.Boolean, Metadata: md})})},
	}, &md)
	for _, s := range []*arrow.Schema{rowsSchema, engine.KafkaSchemaWithHeaders, everything} {
		enc, err := parquetlog.EncodeSchema(s)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(enc)
		var back parquetlog.Schema
		if err := parquetlog.DecodeStrict(raw, &back); err != nil {
			t.Fatal(err)
		}
		got, err := back.Arrow()
		if err != nil {
			t.Fatalf("decode %s: %v", raw, err)
		}
		if !got.Equal(s) || !got.Metadata().Equal(s.Metadata()) {
			t.Errorf("round trip changed the schema:\n%s\nwant\n%s", got, s)
		}
		for i, f := range s.Fields() {
			if !got.Field(i).Metadata.Equal(f.Metadata) {
				t.Errorf("field %s metadata %v, want %v", f.Name, got.Field(i).Metadata, f.Metadata)
			}
		}
	}
}

func TestSchemaDiff(t *testing.T) {
	ts := &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}
	s := func(fields ...arrow.Field) *arrow.Schema { return arrow.NewSchema(fields, nil) }
	a := arrow.Field{Name: "a", Type: arrow.PrimitiveTypes.Int64}
	b := arrow.Field{Name: "ts", Type: ts}
	for _, tc := range []struct {
		want, got *arrow.Schema
		err       string
	}{
		{s(a, b), s(a, b), ""},
		{s(a, b), s(a, arrow.Field{Name: "ts", Type: ts, Nullable: true}), ""},
		{s(a, b), s(a, arrow.Field{Name: "ts", Type: arrow.BinaryTypes.String}), "schema mismatch in column ts: got utf8, want timestamp[ms, tz=UTC]"},
		{s(a, b), s(a), "column ts (timestamp[ms, tz=UTC]) is missing"},
		{s(a), s(a, b), "column ts (timestamp[ms, tz=UTC]) is new"},
		{s(a, b), s(b, a), "columns are in another order: got ts, a, want a, ts"},
	} {
		err := schemaDiff(tc.want, tc.got)
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("schemaDiff(%s, %s) = %v, want %q", tc.want, tc.got, err, tc.err)
		}
	}
}
