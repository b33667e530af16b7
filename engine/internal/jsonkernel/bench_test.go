package jsonkernel

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Run: go test -run '^$' -bench 'FromJSON$|Baseline' -benchtime 2x -count 3
// Measured numbers, and the comparison with other parsers, are in doc.go.

// benchRows is the batch every FromJSON benchmark parses: 1M Kafka-like
// click events of ~150 bytes with 8 fields.
const benchRows = 1 << 20

// clickType is the target of the benchmarks.
var clickType = arrow.StructOf(
	arrow.Field{Name: "user_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	arrow.Field{Name: "page", Type: arrow.BinaryTypes.String, Nullable: true},
	arrow.Field{Name: "action", Type: arrow.BinaryTypes.String, Nullable: true},
	arrow.Field{Name: "ts", Type: arrow.FixedWidthTypes.Timestamp_ms, Nullable: true},
	arrow.Field{Name: "duration_ms", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	arrow.Field{Name: "price", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	arrow.Field{Name: "country", Type: arrow.BinaryTypes.String, Nullable: true},
	arrow.Field{Name: "mobile", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
)

var (
	clickOnce  sync.Once
	clickInput arrow.Array // binary, as Kafka values arrive; never released
	clickBytes int64
)

// clickValues builds the benchmark input once per test binary.
func clickValues() arrow.Array {
	clickOnce.Do(func() {
		actions := []string{"click", "view", "scroll", "purchase"}
		countries := []string{"DE", "FR", "US", "NL", "BR"}
		b := array.NewBinaryBuilder(memory.NewGoAllocator(), arrow.BinaryTypes.Binary)
		defer b.Release()
		base := time.Date(2026, 11, 25, 10, 11, 12, 0, time.UTC)
		for i := 0; i < benchRows; i++ {
			ts := base.Add(time.Duration(i) * 7 * time.Millisecond).Format("2006-01-02T15:04:05.000Z07:00")
			v := fmt.Sprintf(`{"user_id":%d,"page":"/products/%d","action":"%s","ts":"%s","duration_ms":%d,"price":%d.%02d,"country":"%s","mobile":%t}`,
				100000+i*7919%900000, i%1000, actions[i%4], ts, i%5000, i%100, i%100, countries[i%5], i%3 == 0)
			b.Append([]byte(v))
			clickBytes += int64(len(v))
		}
		clickInput = b.NewArray()
	})
	return clickInput
}

func reportRows(b *testing.B, rows int) {
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkFromJSON parses 1M click events into typed Arrow columns.
func BenchmarkFromJSON(b *testing.B) {
	in := clickValues()
	p, err := NewParser(clickType, Options{})
	if err != nil {
		b.Fatal(err)
	}
	mem := memory.NewGoAllocator()
	b.SetBytes(clickBytes)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := p.Parse(mem, in)
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Malformed) > 0 {
			b.Fatal(res.FirstError)
		}
		res.Release()
	}
	reportRows(b, in.Len())
}

// click is the Go struct encoding/json decodes an event into.
type click struct {
	UserID     *int64   `json:"user_id"`
	Page       *string  `json:"page"`
	Action     *string  `json:"action"`
	TS         *string  `json:"ts"`
	DurationMS *int64   `json:"duration_ms"`
	Price      *float64 `json:"price"`
	Country    *string  `json:"country"`
	Mobile     *bool    `json:"mobile"`
}

// clickBuilders appends decoded events to Arrow builders, the work every
// candidate parser shares.
type clickBuilders struct {
	b *array.StructBuilder
}

func newClickBuilders(mem memory.Allocator) clickBuilders {
	return clickBuilders{b: array.NewStructBuilder(mem, clickType)}
}

func (c clickBuilders) append(v *click) {
	c.b.Append(true)
	appendOpt(c.b.FieldBuilder(0).(*array.Int64Builder), v.UserID)
	appendOpt(c.b.FieldBuilder(1).(*array.StringBuilder), v.Page)
	appendOpt(c.b.FieldBuilder(2).(*array.StringBuilder), v.Action)
	tsb := c.b.FieldBuilder(3).(*array.TimestampBuilder)
	if v.TS == nil {
		tsb.AppendNull()
	} else if t, err := time.Parse(time.RFC3339Nano, *v.TS); err != nil {
		tsb.AppendNull()
	} else {
		tsb.Append(arrow.Timestamp(t.UnixMilli()))
	}
	appendOpt(c.b.FieldBuilder(4).(*array.Int64Builder), v.DurationMS)
	appendOpt(c.b.FieldBuilder(5).(*array.Float64Builder), v.Price)
	appendOpt(c.b.FieldBuilder(6).(*array.StringBuilder), v.Country)
	appendOpt(c.b.FieldBuilder(7).(*array.BooleanBuilder), v.Mobile)
}

type appender[T any] interface {
	Append(T)
	AppendNull()
}

func appendOpt[T any](b appender[T], v *T) {
	if v == nil {
		b.AppendNull()
	} else {
		b.Append(*v)
	}
}

// BenchmarkEncodingJSONBaseline decodes the same events with encoding/json
// into a Go struct and appends each field to Arrow builders.
func BenchmarkEncodingJSONBaseline(b *testing.B) {
	in := clickValues().(*array.Binary)
	mem := memory.NewGoAllocator()
	b.SetBytes(clickBytes)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cb := newClickBuilders(mem)
		for r := 0; r < in.Len(); r++ {
			var v click
			if err := json.Unmarshal(in.Value(r), &v); err != nil {
				b.Fatal(err)
			}
			cb.append(&v)
		}
		cb.b.NewArray().Release()
		cb.b.Release()
	}
	reportRows(b, in.Len())
}
