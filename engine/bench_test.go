package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/engine/plan"
	msrc "github.com/spate-io/spate/source/memory"
)

// The benchmarks run one task's pipeline, which is single-threaded: rows/s
// is rows per second per core.

const (
	benchRows  = 1 << 20 // 1M values per iteration
	benchBatch = 1 << 16 // rows per record, a typical fetch
)

// benchEventSchema is the 8-field record of the JSON benchmark.
var benchEventSchema = arrow.NewSchema([]arrow.Field{
	{Name: "user_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "session", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "page", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "referrer", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, Nullable: true},
	{Name: "duration_ms", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "price", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "mobile", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
}, nil)

type event struct {
	UserID     int64     `json:"user_id"`
	Session    string    `json:"session"`
	Page       string    `json:"page"`
	Referrer   string    `json:"referrer"`
	TS         time.Time `json:"ts"`
	DurationMS int32     `json:"duration_ms"`
	Price      float64   `json:"price"`
	Mobile     bool      `json:"mobile"`
}

// eventValues makes n JSON values of about 150 bytes.
func eventValues(n int) [][]byte {
	r := rand.New(rand.NewSource(1))
	pages := []string{"/", "/shop/shoes", "/shop/hats", "/cart", "/checkout", "/blog/spring-sale"}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([][]byte, n)
	for i := range out {
		e := event{
			UserID:     r.Int63n(1_000_000),
			Session:    fmt.Sprintf("%08x-%04x", r.Uint32(), r.Intn(1<<16)),
			Page:       pages[r.Intn(len(pages))],
			Referrer:   "https://example.com" + pages[r.Intn(len(pages))],
			TS:         base.Add(time.Duration(i) * time.Millisecond),
			DurationMS: int32(r.Intn(60_000)),
			Price:      float64(r.Intn(100_000)) / 100,
			Mobile:     r.Intn(2) == 0,
		}
		out[i], _ = json.Marshal(e)
	}
	return out
}

// kafkaRecords holds the values as Kafka-shaped records.
func kafkaRecords(b *testing.B, name string, values [][]byte) (*msrc.Source, []arrow.RecordBatch) {
	src := msrc.NewKafkaSource(name, 1)
	for i := 0; i < len(values); i += benchBatch {
		if err := src.AddValues(0, values[i:min(i+benchBatch, len(values))]...); err != nil {
			b.Fatal(err)
		}
	}
	var recs []arrow.RecordBatch
	if err := src.ReadAll(context.Background(), nil, func(r arrow.RecordBatch) error {
		recs = append(recs, r)
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	return src, recs
}

func runPipeline(b *testing.B, q *plan.Query, recs []arrow.RecordBatch, rows int) {
	ctx := context.Background()
	mem := memory.NewGoAllocator()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pipe, err := engine.Compile(q, engine.ExecEnv{Mem: mem, Source: 0})
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range recs {
			if err := pipe.Process(ctx, r, func(arrow.RecordBatch) error { return nil }); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkFromJSON parses 1M Kafka values (8 fields, ~150 bytes) into
// typed columns with the engine: Select(FromJSON(value).As("e")).Select(e.*).
func BenchmarkFromJSON(b *testing.B) {
	values := eventValues(benchRows)
	src, recs := kafkaRecords(b, "bench-fromjson", values)
	defer src.Release()
	defer releaseRecs(recs)
	q, err := engine.NewSession("bench").ReadStream(src).
		Select(engine.FromJSON(engine.Col("value"), benchEventSchema, nil).As("e")).
		Select(engine.Col("e.*")).
		Plan()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(totalLen(values)))
	runPipeline(b, q, recs, benchRows)
}

// BenchmarkFromJSONEncodingJSON is the baseline: the same values decoded
// with encoding/json into structs and appended to Arrow builders.
func BenchmarkFromJSONEncodingJSON(b *testing.B) {
	values := eventValues(benchRows)
	mem := memory.NewGoAllocator()
	b.SetBytes(int64(totalLen(values)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for start := 0; start < len(values); start += benchBatch {
			rec, err := decodeWithEncodingJSON(mem, values[start:min(start+benchBatch, len(values))])
			if err != nil {
				b.Fatal(err)
			}
			rec.Release()
		}
	}
	b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func decodeWithEncodingJSON(mem memory.Allocator, values [][]byte) (arrow.RecordBatch, error) {
	bld := array.NewRecordBuilder(mem, benchEventSchema)
	defer bld.Release()
	uid := bld.Field(0).(*array.Int64Builder)
	sess := bld.Field(1).(*array.StringBuilder)
	page := bld.Field(2).(*array.StringBuilder)
	ref := bld.Field(3).(*array.StringBuilder)
	ts := bld.Field(4).(*array.TimestampBuilder)
	dur := bld.Field(5).(*array.Int32Builder)
	price := bld.Field(6).(*array.Float64Builder)
	mobile := bld.Field(7).(*array.BooleanBuilder)
	var e event
	for _, v := range values {
		e = event{}
		if err := json.Unmarshal(v, &e); err != nil {
			return nil, err
		}
		uid.Append(e.UserID)
		sess.Append(e.Session)
		page.Append(e.Page)
		ref.Append(e.Referrer)
		ts.Append(arrow.Timestamp(e.TS.UnixMicro()))
		dur.Append(e.DurationMS)
		price.Append(e.Price)
		mobile.Append(e.Mobile)
	}
	return bld.NewRecordBatch(), nil
}

// BenchmarkFilterProject runs a filter and a projection over 1M rows:
// Filter(price > 500 AND page LIKE '/shop/%').Select(user_id, price * 1.2,
// upper(page), hour(ts), xxhash64(session)).
func BenchmarkFilterProject(b *testing.B) {
	values := eventValues(benchRows)
	mem := memory.NewGoAllocator()
	src := msrc.NewSource("bench-filter", benchEventSchema, 1)
	defer src.Release()
	for start := 0; start < len(values); start += benchBatch {
		rec, err := decodeWithEncodingJSON(mem, values[start:min(start+benchBatch, len(values))])
		if err != nil {
			b.Fatal(err)
		}
		if err := src.Add(0, rec); err != nil {
			b.Fatal(err)
		}
		rec.Release()
	}
	var recs []arrow.RecordBatch
	_ = src.ReadAll(context.Background(), nil, func(r arrow.RecordBatch) error { recs = append(recs, r); return nil })
	defer releaseRecs(recs)
	col := engine.Col
	q, err := engine.NewSession("bench").ReadStream(src).
		Filter(col("price").Gt(500.0).And(col("page").Like("/shop/%"))).
		Select(col("user_id"), col("price").Mul(1.2).As("gross"), engine.Upper(col("page")).As("page"),
			engine.Hour(col("ts")).As("hour"), engine.XXHash64(col("session")).As("h")).
		Plan()
	if err != nil {
		b.Fatal(err)
	}
	runPipeline(b, q, recs, benchRows)
}

func releaseRecs(recs []arrow.RecordBatch) {
	for _, r := range recs {
		r.Release()
	}
}

func totalLen(values [][]byte) int {
	n := 0
	for _, v := range values {
		n += len(v)
	}
	return n
}
