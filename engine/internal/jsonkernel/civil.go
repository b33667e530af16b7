package jsonkernel

import (
	"math"
	"math/bits"
	"time"
)

// civilTime is a parsed date-time before it is placed in a time zone.
type civilTime struct {
	year, month, day     int
	hour, minute, second int
	nsec                 int
	hasTime              bool
	zone                 zoneKind
	offset               int            // seconds east of UTC, for zoneOffset
	loc                  *time.Location // for zoneRegion
}

type zoneKind uint8

const (
	zoneNone   zoneKind = iota // no zone in the text
	zoneOffset                 // Z, +01:00, UTC+1, ...
	zoneRegion                 // Europe/Berlin
)

// daysFromCivil returns days since 1970-01-01 in the proleptic Gregorian
// calendar (Howard Hinnant's algorithm), the calendar Spark 3 uses.
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y, m int) int {
	switch m {
	case 2:
		if isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// valid checks the ranges of every component.
func (t *civilTime) valid() bool {
	return t.month >= 1 && t.month <= 12 && t.day >= 1 && t.day <= daysIn(t.year, t.month) &&
		t.hour < 24 && t.minute < 60 && t.second < 60
}

// epochSeconds places t in its own zone, or in def when it has none.
func (t *civilTime) epochSeconds(def *time.Location) int64 {
	local := daysFromCivil(t.year, t.month, t.day)*86400 + int64(t.hour*3600+t.minute*60+t.second)
	switch t.zone {
	case zoneOffset:
		return local - int64(t.offset)
	case zoneRegion:
		def = t.loc
	}
	if def == time.UTC {
		return local
	}
	return time.Date(t.year, time.Month(t.month), t.day, t.hour, t.minute, t.second, 0, def).Unix()
}

// toUnits converts seconds and nanoseconds to a count of units
// (unitsPerSec of them a second), flooring sub-unit fractions. ok is false
// when the result does not fit an int64.
func toUnits(sec int64, nsec int, unitsPerSec int64) (int64, bool) {
	hi, lo := bits.Mul64(uint64(abs64(sec)), uint64(unitsPerSec))
	if hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	v := int64(lo)
	if sec < 0 {
		v = -v
	}
	frac := int64(nsec) / (1e9 / unitsPerSec)
	if v > math.MaxInt64-frac {
		return 0, false
	}
	return v + frac, true
}

func abs64(v int64) int64 {
	if v < 0 {
		if v == math.MinInt64 {
			return math.MaxInt64 // out of range for any unit anyway
		}
		return -v
	}
	return v
}
