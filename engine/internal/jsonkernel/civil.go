package jsonkernel

import (
	"math"
	"math/bits"
	"time"

	"github.com/spate-io/spate/engine/internal/kernels"
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

// valid checks the ranges of every component.
func (t *civilTime) valid() bool {
	return t.month >= 1 && t.month <= 12 && t.day >= 1 && int64(t.day) <= kernels.DaysInMonth(int64(t.year), int64(t.month)) &&
		t.hour < 24 && t.minute < 60 && t.second < 60
}

// epochSeconds places t in its own zone, or in def when it has none.
func (t *civilTime) epochSeconds(def *time.Location) int64 {
	local := kernels.DaysFromCivil(int64(t.year), int64(t.month), int64(t.day))*86400 + int64(t.hour*3600+t.minute*60+t.second)
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
