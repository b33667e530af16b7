package parsercmp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/buger/jsonparser"
	"github.com/bytedance/sonic"
	gojson "github.com/goccy/go-json"
	"github.com/valyala/fastjson"

	"github.com/spate-io/spate/engine/internal/jsonkernel"
)

const rows = 1 << 20

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
	once   sync.Once
	input  *array.Binary
	nbytes int64
)

// events builds the same 1M events as jsonkernel's BenchmarkFromJSON.
func events() *array.Binary {
	once.Do(func() {
		actions := []string{"click", "view", "scroll", "purchase"}
		countries := []string{"DE", "FR", "US", "NL", "BR"}
		b := array.NewBinaryBuilder(memory.NewGoAllocator(), arrow.BinaryTypes.Binary)
		defer b.Release()
		base := time.Date(2026, 11, 25, 10, 11, 12, 0, time.UTC)
		for i := 0; i < rows; i++ {
			ts := base.Add(time.Duration(i) * 7 * time.Millisecond).Format("2006-01-02T15:04:05.000Z07:00")
			v := fmt.Sprintf(`{"user_id":%d,"page":"/products/%d","action":"%s","ts":"%s","duration_ms":%d,"price":%d.%02d,"country":"%s","mobile":%t}`,
				100000+i*7919%900000, i%1000, actions[i%4], ts, i%5000, i%100, i%100, countries[i%5], i%3 == 0)
			b.Append([]byte(v))
			nbytes += int64(len(v))
		}
		input = b.NewBinaryArray()
	})
	return input
}

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

// sink appends decoded events to Arrow builders, the work every candidate
// other than jsonkernel shares.
type sink struct {
	b       *array.StructBuilder
	user    *array.Int64Builder
	page    *array.StringBuilder
	action  *array.StringBuilder
	ts      *array.TimestampBuilder
	dur     *array.Int64Builder
	price   *array.Float64Builder
	country *array.StringBuilder
	mobile  *array.BooleanBuilder
}

func newSink() *sink {
	b := array.NewStructBuilder(memory.NewGoAllocator(), clickType)
	return &sink{b: b,
		user: b.FieldBuilder(0).(*array.Int64Builder), page: b.FieldBuilder(1).(*array.StringBuilder),
		action: b.FieldBuilder(2).(*array.StringBuilder), ts: b.FieldBuilder(3).(*array.TimestampBuilder),
		dur: b.FieldBuilder(4).(*array.Int64Builder), price: b.FieldBuilder(5).(*array.Float64Builder),
		country: b.FieldBuilder(6).(*array.StringBuilder), mobile: b.FieldBuilder(7).(*array.BooleanBuilder)}
}

func (s *sink) finish() {
	s.b.NewArray().Release()
	s.b.Release()
}

func (s *sink) tsText(v string) {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		s.ts.AppendNull()
		return
	}
	s.ts.Append(arrow.Timestamp(t.UnixMilli()))
}

func (s *sink) click(v *click) {
	s.b.Append(true)
	opt(s.user, v.UserID)
	opt(s.page, v.Page)
	opt(s.action, v.Action)
	if v.TS == nil {
		s.ts.AppendNull()
	} else {
		s.tsText(*v.TS)
	}
	opt(s.dur, v.DurationMS)
	opt(s.price, v.Price)
	opt(s.country, v.Country)
	opt(s.mobile, v.Mobile)
}

type appender[T any] interface {
	Append(T)
	AppendNull()
}

func opt[T any](b appender[T], v *T) {
	if v == nil {
		b.AppendNull()
	} else {
		b.Append(*v)
	}
}

// run times decode over every event.
func run(b *testing.B, decode func(s *sink, v []byte) error) {
	in := events()
	b.SetBytes(nbytes)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := newSink()
		for r := 0; r < in.Len(); r++ {
			if err := decode(s, in.Value(r)); err != nil {
				b.Fatal(err)
			}
		}
		s.finish()
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkJSONKernel(b *testing.B) {
	in := events()
	p, err := jsonkernel.NewParser(clickType, jsonkernel.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(nbytes)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := p.Parse(memory.NewGoAllocator(), in)
		if err != nil {
			b.Fatal(err)
		}
		res.Release()
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkEncodingJSONUnmarshal(b *testing.B) {
	run(b, func(s *sink, v []byte) error {
		var c click
		if err := json.Unmarshal(v, &c); err != nil {
			return err
		}
		s.click(&c)
		return nil
	})
}

func BenchmarkEncodingJSONTokens(b *testing.B) {
	run(b, func(s *sink, v []byte) error {
		dec := json.NewDecoder(bytes.NewReader(v))
		dec.UseNumber()
		var c click
		if _, err := dec.Token(); err != nil {
			return err
		}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return err
			}
			t, err := dec.Token()
			if err != nil {
				return err
			}
			switch k {
			case "user_id", "duration_ms":
				n, err := t.(json.Number).Int64()
				if err != nil {
					return err
				}
				if k == "user_id" {
					c.UserID = &n
				} else {
					c.DurationMS = &n
				}
			case "price":
				f, err := t.(json.Number).Float64()
				if err != nil {
					return err
				}
				c.Price = &f
			case "mobile":
				m := t.(bool)
				c.Mobile = &m
			case "page", "action", "ts", "country":
				str := t.(string)
				switch k {
				case "page":
					c.Page = &str
				case "action":
					c.Action = &str
				case "ts":
					c.TS = &str
				default:
					c.Country = &str
				}
			}
		}
		if _, err := dec.Token(); err != nil && err != io.EOF {
			return err
		}
		s.click(&c)
		return nil
	})
}

func BenchmarkFastJSON(b *testing.B) {
	var p fastjson.Parser
	run(b, func(s *sink, v []byte) error {
		o, err := p.ParseBytes(v)
		if err != nil {
			return err
		}
		s.b.Append(true)
		s.user.Append(o.GetInt64("user_id"))
		s.page.BinaryBuilder.Append(o.GetStringBytes("page"))
		s.action.BinaryBuilder.Append(o.GetStringBytes("action"))
		s.tsText(string(o.GetStringBytes("ts")))
		s.dur.Append(o.GetInt64("duration_ms"))
		s.price.Append(o.GetFloat64("price"))
		s.country.BinaryBuilder.Append(o.GetStringBytes("country"))
		s.mobile.Append(o.GetBool("mobile"))
		return nil
	})
}

func BenchmarkSonicUnmarshal(b *testing.B) {
	run(b, func(s *sink, v []byte) error {
		var c click
		if err := sonic.Unmarshal(v, &c); err != nil {
			return err
		}
		s.click(&c)
		return nil
	})
}

func BenchmarkGoccyUnmarshal(b *testing.B) {
	run(b, func(s *sink, v []byte) error {
		var c click
		if err := gojson.Unmarshal(v, &c); err != nil {
			return err
		}
		s.click(&c)
		return nil
	})
}

var jpPaths = [][]string{{"user_id"}, {"page"}, {"action"}, {"ts"}, {"duration_ms"}, {"price"}, {"country"}, {"mobile"}}

func BenchmarkBugerJSONParser(b *testing.B) {
	run(b, func(s *sink, v []byte) error {
		var c click
		var ferr error
		jsonparser.EachKey(v, func(idx int, val []byte, _ jsonparser.ValueType, err error) {
			if err != nil {
				ferr = err
				return
			}
			switch idx {
			case 0, 4:
				n, err := jsonparser.ParseInt(val)
				if err != nil {
					ferr = err
				}
				if idx == 0 {
					c.UserID = &n
				} else {
					c.DurationMS = &n
				}
			case 5:
				f, err := jsonparser.ParseFloat(val)
				if err != nil {
					ferr = err
				}
				c.Price = &f
			case 7:
				m, err := jsonparser.ParseBoolean(val)
				if err != nil {
					ferr = err
				}
				c.Mobile = &m
			default:
				str, err := jsonparser.ParseString(val)
				if err != nil {
					ferr = err
				}
				switch idx {
				case 1:
					c.Page = &str
				case 2:
					c.Action = &str
				case 3:
					c.TS = &str
				default:
					c.Country = &str
				}
			}
		}, jpPaths...)
		if ferr != nil {
			return ferr
		}
		s.click(&c)
		return nil
	})
}
