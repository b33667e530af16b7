package parquet

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spate-io/spate/engine"
)

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		sink *FileSink
		want string
	}{
		{Sink("out"), ""},
		{Sink("out").Compression("zstd").RowGroupRows(10).MaxFileRows(5).MaxFileBytes(1 << 20).ManifestRetention(RetainFor(time.Hour)), ""},
		{Sink(""), "parquet: the output path is empty"},
		{Sink("out").Compression("zsdt"), `parquet: unknown compression "zsdt" (choose snappy, zstd, gzip, none)`},
		{Sink("out").RowGroupRows(-1), "parquet: RowGroupRows is -1; it must be positive"},
		{Sink("out").MaxFileBytes(-5), "parquet: MaxFileBytes is -5"},
		{Sink("out").ManifestCompactInterval(-1), "parquet: ManifestCompactInterval is -1"},
		{Sink("out").ManifestRetention(Retention{Batches: 3, Age: Duration(time.Hour)}), "retention is set both as 3 batches and as 1h0m0s; choose one"},
		{Sink("out").PartitionBy("a", "a"), `parquet: PartitionBy names column "a" twice`},
		{Sink("out").PartitionBy(""), "parquet: PartitionBy has an empty column name"},
		{Sink("out").PartitionBy("a").Dictionary("a"), `column "a" is both a partition column and a dictionary column`},
	} {
		err := tc.sink.Validate()
		if tc.want == "" && err != nil {
			t.Errorf("%+v: %v", tc.sink.opts, err)
		}
		if tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%+v: got %v, want %q", tc.sink.opts, err, tc.want)
		}
	}
}

func TestOptionsRoundTripThroughThePlan(t *testing.T) {
	s := Sink("out/clicks").PartitionBy("date", "country").Compression("zstd").RowGroupRows(100000).
		MaxFileRows(5000000).MaxFileBytes(256 << 20).Dictionary("topic").StoreArrowSchema(false).
		ManifestCompactInterval(20).ManifestRetention(RetainFor(72 * time.Hour))
	raw, err := json.Marshal(s.Options())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), `"retention":{"age":"72h0m0s"}`) {
		t.Errorf("options JSON %s", raw)
	}
	if !contains(engine.SinkKinds(), Kind) {
		t.Fatalf("kind %q is not registered: %v", Kind, engine.SinkKinds())
	}
	back, err := engine.DecodeSink(s.Kind(), raw)
	if err != nil {
		t.Fatal(err)
	}
	if got := back.(*FileSink).opts; !reflect.DeepEqual(got, s.opts) {
		t.Errorf("decoded %+v, want %+v", got, s.opts)
	}
	for _, tc := range []struct{ raw, want string }{
		{`{"path":"x","compression":"lz4"}`, `unknown compression "lz4"`},
		{`{"path":"x","rowGroupRow":5}`, `unknown field "rowGroupRow"`},
		{`{"path":"x","retention":{"age":"3 days"}}`, "time: unknown unit"},
	} {
		_, err := engine.DecodeSink(Kind, json.RawMessage(tc.raw))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("decode %s: %v, want %q", tc.raw, err, tc.want)
		}
	}
}
