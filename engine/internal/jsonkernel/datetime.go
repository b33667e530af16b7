package jsonkernel

import (
	"time"

	"github.com/spate-io/spate/engine/internal/kernels"
)

// timeFormat parses dates or timestamps: Spark's lenient ISO forms when no
// pattern is set, else the pattern's Go layout with no fallback (Spark turns
// its fallback off when a format is given).
type timeFormat struct {
	layout string // "" for ISO
}

func newTimeFormat(pattern string) (timeFormat, error) {
	if pattern == "" {
		return timeFormat{}, nil
	}
	lay, err := goLayout(pattern)
	return timeFormat{layout: lay}, err
}

// parse reads text into a civil time. With a layout the zone is resolved by
// the time package, so the result carries a fixed offset.
func (f timeFormat) parse(text []byte, def *time.Location, dateOnly bool) (civilTime, bool) {
	if f.layout == "" {
		return parseISO(text, dateOnly)
	}
	tm, err := time.ParseInLocation(f.layout, string(trimSpace(text)), def)
	if err != nil {
		return civilTime{}, false
	}
	_, off := tm.Zone()
	return civilTime{
		year: tm.Year(), month: int(tm.Month()), day: tm.Day(),
		hour: tm.Hour(), minute: tm.Minute(), second: tm.Second(), nsec: tm.Nanosecond(),
		hasTime: true, zone: zoneOffset, offset: off,
	}, true
}

// date reads a date string into days since the epoch.
func (d *decoder) date(c *column, i int) (int, *rowError) {
	text, end, err := d.quoted(i)
	if err != nil {
		return end, err
	}
	t, ok := d.p.dateFormat.parse(text, d.p.opts.TimeZone, true)
	if !ok || len(text) == 0 {
		return end, convErr(i, "cannot read %q as a date", text)
	}
	days := kernels.DaysFromCivil(int64(t.year), int64(t.month), int64(t.day))
	appendFixed(c, int32(days))
	return end, nil
}

// timestamp reads a timestamp string, or an integer as seconds since the
// epoch, as Spark's JacksonParser does for TimestampType.
func (d *decoder) timestamp(c *column, i int) (int, *rowError) {
	ch := d.in[i]
	nd := c.nd
	switch {
	case ch == '-' || isDigit(ch):
		end, isFloat, err := d.num(i)
		if err != nil {
			return end, err
		}
		if isFloat || nd.ntz {
			return end, convErr(i, "cannot read the number %s as %s (only integer seconds since the epoch, and only for timestamps with a time zone)", d.in[i:end], nd.typ)
		}
		return d.epochSeconds(c, i, end)
	case d.isQuote(ch):
		text, end, err := d.quoted(i)
		if err != nil {
			return end, err
		}
		def := d.p.opts.TimeZone
		if nd.ntz {
			def = time.UTC // the wall clock as written
		}
		t, ok := d.p.tsFormat.parse(text, def, false)
		if !ok || len(text) == 0 {
			return end, convErr(i, "cannot read %q as a timestamp", text)
		}
		if nd.ntz && t.zone != zoneNone && d.p.tsFormat.layout == "" {
			// Spark's TimestampNTZ refuses text with a zone.
			return end, convErr(i, "%q has a time zone but %s has none", text, nd.typ)
		}
		v, ok := toUnits(t.epochSeconds(def), t.nsec, nd.unitsPerSec)
		if !ok {
			return end, convErr(i, "%q is out of range of %s", text, nd.typ)
		}
		appendFixed(c, v)
		return end, nil
	}
	return i, d.mismatch(i, nd)
}

func (d *decoder) epochSeconds(c *column, i, end int) (int, *rowError) {
	neg := d.in[i] == '-'
	start := i
	if neg {
		start++
	}
	u, ok := parseUint(d.in[start:end])
	if !ok || u > 1<<62 {
		return end, d.outOfRange(i, end, c.nd)
	}
	sec := int64(u)
	if neg {
		sec = -sec
	}
	v, ok := toUnits(sec, 0, c.nd.unitsPerSec)
	if !ok {
		return end, d.outOfRange(i, end, c.nd)
	}
	appendFixed(c, v)
	return end, nil
}
