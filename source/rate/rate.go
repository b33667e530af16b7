package rate

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/spate-io/spate/engine"
)

// Kind is the source's kind in plans.
const Kind = "rate"

// Topic keys the source's offsets.
const Topic = "rate"

func init() {
	engine.RegisterSource(Kind, func(raw json.RawMessage) (engine.Source, error) {
		var o Options
		if err := json.Unmarshal(raw, &o); err != nil {
			return nil, fmt.Errorf("rate: bad options %s: %v", raw, err)
		}
		if o.StartTimeMs == 0 {
			return nil, fmt.Errorf("rate: options without startTimeMs; a plan must record when row 0 was made so replays match")
		}
		return New(o)
	})
	engine.DescribeSource(Kind, engine.ConnectorSpec{
		Summary: "rows (timestamp, value) at a steady rate, for demos and benchmarks (Spark's rate source).",
		Options: []engine.OptionSpec{
			{Name: "rowsPerSecond", Type: "int", Default: "1", Doc: "rows per second once ramped up"},
			{Name: "rampUpTime", Type: "duration", Default: "none", Doc: "time for the rate to grow linearly from 0"},
			{Name: "numPartitions", Type: "int", Default: "1", Doc: "partitions the rows are spread over"},
			{Name: "startTimeMs", Type: "int", Required: true, Doc: "Unix milliseconds of row 0, recorded so replays match"},
		},
	})
}

// Options configure the source; they go into the plan as JSON.
type Options struct {
	// RowsPerSecond is the steady rate. The default 0 means 1.
	RowsPerSecond int64 `json:"rowsPerSecond"`
	// RampUpTime is how long the rate takes to grow linearly from 0 to
	// RowsPerSecond, as a Go duration ("10s"). The default "" means none.
	RampUpTime string `json:"rampUpTime,omitempty"`
	// NumPartitions spreads the rows. The default 0 means 1.
	NumPartitions int `json:"numPartitions"`
	// StartTimeMs is the time of row 0 in Unix milliseconds. The default 0
	// means when New is called; the plan records the value.
	StartTimeMs int64 `json:"startTimeMs"`
}

// Schema is the rate source's schema, Spark's: timestamp, value.
var Schema = arrow.NewSchema([]arrow.Field{
	{Name: "timestamp", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}},
	{Name: "value", Type: arrow.PrimitiveTypes.Int64},
}, nil)

// Source is the rate source.
type Source struct {
	opts  Options
	ramp  time.Duration
	clock func() time.Time
}

// New checks o, fills its defaults and makes the source.
func New(o Options) (*Source, error) {
	if o.RowsPerSecond == 0 {
		o.RowsPerSecond = 1
	}
	if o.NumPartitions == 0 {
		o.NumPartitions = 1
	}
	if o.StartTimeMs == 0 {
		o.StartTimeMs = time.Now().UnixMilli()
	}
	s := &Source{opts: o, clock: time.Now}
	switch {
	case o.RowsPerSecond < 0:
		return nil, fmt.Errorf("rate: rowsPerSecond must be positive, got %d", o.RowsPerSecond)
	case o.NumPartitions < 0:
		return nil, fmt.Errorf("rate: numPartitions must be positive, got %d", o.NumPartitions)
	}
	if o.RampUpTime != "" {
		d, err := time.ParseDuration(o.RampUpTime)
		if err != nil || d < 0 {
			return nil, fmt.Errorf("rate: bad rampUpTime %q: want a duration such as \"10s\"", o.RampUpTime)
		}
		s.ramp = d
	}
	return s, nil
}

// WithClock makes the source read time from now instead of the wall
// clock (for tests).
func (s *Source) WithClock(now func() time.Time) *Source {
	s.clock = now
	return s
}

// Kind implements engine.Source.
func (s *Source) Kind() string { return Kind }

// Options implements engine.Source.
func (s *Source) Options() any { return s.opts }

// Schema implements engine.Source.
func (s *Source) Schema() *arrow.Schema { return Schema }

// rowsAt is how many rows exist elapsed after row 0: rps*t after the
// ramp, rps*t²/(2*ramp) during it.
func (s *Source) rowsAt(elapsed time.Duration) int64 {
	if elapsed < 0 {
		return 0
	}
	rps := float64(s.opts.RowsPerSecond)
	t := elapsed.Seconds()
	r := s.ramp.Seconds()
	if r > 0 && t < r {
		return int64(rps * t * t / (2 * r))
	}
	return int64(rps*(t-r) + rps*r/2)
}

// timeOf is when row v comes to exist (when rowsAt reaches v+1), in
// microseconds after StartTimeMs: the inverse of rowsAt.
func (s *Source) timeOf(v int64) int64 {
	rps := float64(s.opts.RowsPerSecond)
	r := s.ramp.Seconds()
	n := float64(v + 1)
	var t float64
	if ramped := rps * r / 2; r > 0 && n < ramped {
		t = math.Sqrt(2 * r * n / rps)
	} else {
		t = r + (n-ramped)/rps
	}
	return int64(math.Round(t * 1e6))
}

// partitionRows is how many of the first n rows partition k holds.
func (s *Source) partitionRows(n int64, k int) int64 {
	p := int64(s.opts.NumPartitions)
	if n <= int64(k) {
		return 0
	}
	return (n - int64(k) + p - 1) / p
}
