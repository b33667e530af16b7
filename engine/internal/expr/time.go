package expr

import (
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/scalar"

	"github.com/spate-io/spate/engine/internal/kernels"
	"github.com/spate-io/spate/engine/plan"
)

// Date and time functions in a UTC session. compute's temporal kernels in
// Go are only rounding (floor_temporal and friends) with Arrow's units and
// week rules, not Spark's field extraction, parsing or formatting, so these
// are written over the kernels package's civil-date arithmetic. Every
// timestamp they return is timestamp[us, UTC], Spark's type.

func init() {
	register(resolveToTimestamp, "to_timestamp")
	register(resolveToDate, "to_date")
	register(resolveDateTrunc, "date_trunc")
	register(resolveField, "year", "month", "dayofmonth", "hour", "minute", "second", "dayofweek")
	register(resolveFromUnixTime, "from_unixtime")
	register(resolveUnixTimestamp, "unix_timestamp")
	register(resolveTimestampFrom, "timestamp_seconds", "timestamp_millis")
	register(resolveCurrentTimestamp, "current_timestamp")
}

// timeArg accepts a timestamp or date, and casts a string to a timestamp.
func timeArg(r *Resolver, fn string, a Expr) (Expr, error) {
	dt := a.Type()
	switch {
	case isTimestamp(dt), isDate(dt):
		return a, nil
	case isString(dt), isNull(dt):
		return coerce(a, TimestampUS), nil
	}
	return nil, analysisf("%s needs a timestamp, date or string in %s, got %s", fn, r.Where, describe(a))
}

// layoutArg compiles an optional Spark datetime pattern argument.
func layoutArg(r *Resolver, fn string, args []Expr, i int) (string, error) {
	if len(args) <= i {
		return "", nil
	}
	p, err := literalString(fn, "format", args[i])
	if err != nil {
		return "", err
	}
	layout, err := kernels.GoLayout(p)
	if err != nil {
		return "", analysisf("%s in %s: %v", fn, r.Where, err)
	}
	return layout, nil
}

// parseWith parses s with a Go layout, or leniently without one.
func parseWith(layout, s string) (int64, bool) {
	if layout == "" {
		return kernels.ParseTimestamp(s)
	}
	t, err := time.ParseInLocation(layout, s, time.UTC)
	if err != nil {
		return 0, false
	}
	return t.UnixMicro(), true
}

func resolveToTimestamp(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	a := args[0]
	switch dt := a.Type(); {
	case isString(dt):
		layout, err := layoutArg(r, "to_timestamp", args, 1)
		if err != nil {
			return nil, err
		}
		return &fnExpr{name: "to_timestamp", args: args[:1], dt: TimestampUS, k: func(c *Ctx, n int, in []arrow.Array) (arrow.Array, error) {
			return timestampOut(c, n, TimestampUS, func(i int) (int64, bool) {
				if in[0].IsNull(i) {
					return 0, false
				}
				return parseWith(layout, strAt(in[0], i))
			}), nil
		}}, nil
	case isTimestamp(dt), isDate(dt), isNumeric(dt), isNull(dt):
		c, err := newCast(r, a, TimestampUS, true)
		if err != nil {
			return nil, err
		}
		return &Alias{in: c, name: callName("to_timestamp", args)}, nil
	}
	return nil, analysisf("to_timestamp needs a string, number, date or timestamp in %s, got %s", r.Where, describe(a))
}

func resolveToDate(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	a := args[0]
	if isString(a.Type()) && len(args) == 2 {
		layout, err := layoutArg(r, "to_date", args, 1)
		if err != nil {
			return nil, err
		}
		return &fnExpr{name: "to_date", args: args[:1], dt: arrow.FixedWidthTypes.Date32, k: func(c *Ctx, n int, in []arrow.Array) (arrow.Array, error) {
			return dateOut(c, n, func(i int) (int64, bool) {
				if in[0].IsNull(i) {
					return 0, false
				}
				us, ok := parseWith(layout, strAt(in[0], i))
				return kernels.FloorDiv(us, kernels.MicrosPerDay), ok
			}), nil
		}}, nil
	}
	c, err := newCast(r, a, arrow.FixedWidthTypes.Date32, true)
	if err != nil {
		return nil, analysisf("to_date needs a string, date or timestamp in %s, got %s", r.Where, describe(a))
	}
	return &Alias{in: c, name: callName("to_date", args)}, nil
}

func resolveDateTrunc(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	unit, err := literalString("date_trunc", "unit", args[0])
	if err != nil {
		return nil, err
	}
	unit = strings.ToLower(unit)
	if _, ok := kernels.TruncMicros(0, unit); !ok {
		return nil, analysisf("date_trunc in %s: unknown unit %q (known: %s)", r.Where, unit, strings.Join(kernels.TruncUnits, ", "))
	}
	ts, err := timeArg(r, "date_trunc", args[1])
	if err != nil {
		return nil, err
	}
	return &fnExpr{name: "date_trunc", args: []Expr{args[0], ts}, dt: TimestampUS, k: func(c *Ctx, n int, in []arrow.Array) (arrow.Array, error) {
		us := microsReader(in[1])
		return timestampOut(c, n, TimestampUS, func(i int) (int64, bool) {
			if in[1].IsNull(i) {
				return 0, false
			}
			return kernels.TruncMicros(us(i), unit)
		}), nil
	}}, nil
}

// fields extract one int field from microseconds since the epoch.
var fields = map[string]func(us int64) int64{
	"year":       func(us int64) int64 { y, _, _ := civil(us); return y },
	"month":      func(us int64) int64 { _, m, _ := civil(us); return m },
	"dayofmonth": func(us int64) int64 { _, _, d := civil(us); return d },
	"dayofweek":  func(us int64) int64 { day, _ := kernels.SplitMicros(us); return kernels.DayOfWeek(day) },
	"hour":       func(us int64) int64 { _, t := kernels.SplitMicros(us); return t / kernels.MicrosPerHour },
	"minute":     func(us int64) int64 { _, t := kernels.SplitMicros(us); return t / kernels.MicrosPerMinute % 60 },
	"second":     func(us int64) int64 { _, t := kernels.SplitMicros(us); return t / kernels.MicrosPerSecond % 60 },
}

func civil(us int64) (y, m, d int64) {
	day, _ := kernels.SplitMicros(us)
	return kernels.CivilFromDays(day)
}

func resolveField(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	ts, err := timeArg(r, e.Op, args[0])
	if err != nil {
		return nil, err
	}
	field := fields[e.Op]
	return &fnExpr{name: e.Op, args: []Expr{ts}, dt: arrow.PrimitiveTypes.Int32, k: func(c *Ctx, n int, in []arrow.Array) (arrow.Array, error) {
		us := microsReader(in[0])
		o := newFixedOut[int32](c.Mem, n, 4)
		for i := range o.vals {
			if in[0].IsNull(i) {
				o.null(i)
				continue
			}
			o.vals[i] = int32(field(us(i)))
		}
		return o.array(arrow.PrimitiveTypes.Int32), nil
	}}, nil
}

const defaultLayout = "2006-01-02 15:04:05" // Spark's yyyy-MM-dd HH:mm:ss

// resolveFromUnixTime: seconds since the epoch formatted as a string.
func resolveFromUnixTime(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	if !isIntegral(args[0].Type()) && !isNull(args[0].Type()) {
		return nil, analysisf("from_unixtime needs integer seconds in %s, got %s", r.Where, describe(args[0]))
	}
	layout, err := layoutArg(r, "from_unixtime", args, 1)
	if err != nil {
		return nil, err
	}
	if layout == "" {
		layout = defaultLayout
	}
	secs := coerce(args[0], arrow.PrimitiveTypes.Int64)
	return &fnExpr{name: "from_unixtime", args: []Expr{secs}, dt: arrow.BinaryTypes.String, k: func(c *Ctx, n int, in []arrow.Array) (arrow.Array, error) {
		v := valuesOf[int64](in[0])
		b := newStringBuilder(c.Mem, arrow.BinaryTypes.String, n, n*len(layout))
		defer b.Release()
		var buf []byte
		for i := 0; i < n; i++ {
			if in[0].IsNull(i) {
				b.AppendNull()
				continue
			}
			buf = time.Unix(v[i], 0).UTC().AppendFormat(buf[:0], layout)
			b.Append(buf)
		}
		return finishBinary(b), nil
	}}, nil
}

// resolveUnixTimestamp: whole seconds since the epoch of a timestamp, a
// date or a string (pattern default yyyy-MM-dd HH:mm:ss); null when a
// string does not parse.
func resolveUnixTimestamp(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	a := args[0]
	if isString(a.Type()) {
		layout, err := layoutArg(r, "unix_timestamp", args, 1)
		if err != nil {
			return nil, err
		}
		if layout == "" {
			layout = defaultLayout
		}
		return &fnExpr{name: "unix_timestamp", args: args[:1], dt: arrow.PrimitiveTypes.Int64, k: func(c *Ctx, n int, in []arrow.Array) (arrow.Array, error) {
			return int64Out(c, n, arrow.PrimitiveTypes.Int64, func(o *fixedOut[int64]) {
				for i := range o.vals {
					us, ok := int64(0), false
					if in[0].IsValid(i) {
						us, ok = parseWith(layout, strAt(in[0], i))
					}
					if !ok {
						o.null(i)
						continue
					}
					o.vals[i] = kernels.FloorDiv(us, kernels.MicrosPerSecond)
				}
			})
		}}, nil
	}
	ts, err := timeArg(r, "unix_timestamp", a)
	if err != nil {
		return nil, err
	}
	c, err := newCast(r, ts, arrow.PrimitiveTypes.Int64, true)
	if err != nil {
		return nil, err
	}
	return &Alias{in: c, name: callName("unix_timestamp", args)}, nil
}

func resolveTimestampFrom(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	a := args[0]
	if e.Op == "timestamp_seconds" && (isNumeric(a.Type()) || isNull(a.Type())) {
		c, err := newCast(r, a, TimestampUS, true)
		if err != nil {
			return nil, err
		}
		return &Alias{in: c, name: callName(e.Op, args)}, nil
	}
	if !isIntegral(a.Type()) && !isNull(a.Type()) {
		return nil, analysisf("%s needs an integer in %s, got %s", e.Op, r.Where, describe(a))
	}
	ms := coerce(a, arrow.PrimitiveTypes.Int64)
	return &fnExpr{name: e.Op, args: []Expr{ms}, dt: TimestampUS, k: func(c *Ctx, n int, in []arrow.Array) (arrow.Array, error) {
		v := valuesOf[int64](in[0])
		return timestampOut(c, n, TimestampUS, func(i int) (int64, bool) {
			return satMul(v[i], 1000), in[0].IsValid(i)
		}), nil
	}}, nil
}

// currentTimestamp is the batch's time: every row of a batch, and every
// replay of it, sees the same value.
type currentTimestamp struct{}

func resolveCurrentTimestamp(r *Resolver, e *plan.Expr, args []Expr) (Expr, error) {
	return currentTimestamp{}, nil
}

func (currentTimestamp) Type() arrow.DataType { return TimestampUS }
func (currentTimestamp) Name() string         { return "current_timestamp()" }

func (currentTimestamp) Eval(c *Ctx, rec arrow.RecordBatch) (arrow.Array, error) {
	return broadcast(c, scalar.NewTimestampScalar(arrow.Timestamp(c.NowMicros), TimestampUS), int(rec.NumRows()))
}
