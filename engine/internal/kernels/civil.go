package kernels

import "time"

// Civil (proleptic Gregorian) date arithmetic in UTC, as Spark computes
// year(), month() and friends in a UTC session. The algorithms are Howard
// Hinnant's days_from_civil / civil_from_days: exact for every int64 day.

// MicrosPerDay and friends convert between units.
const (
	MicrosPerSecond = int64(1_000_000)
	MicrosPerMinute = 60 * MicrosPerSecond
	MicrosPerHour   = 60 * MicrosPerMinute
	MicrosPerDay    = 24 * MicrosPerHour
)

// ToMicros converts v counts of unit (time.Second, time.Millisecond,
// time.Microsecond or time.Nanosecond: an Arrow timestamp's
// Unit.Multiplier()) to microseconds, flooring nanoseconds. Seconds and
// milliseconds past the int64 range of microseconds wrap.
func ToMicros(v int64, unit time.Duration) int64 {
	switch unit {
	case time.Second:
		return v * MicrosPerSecond
	case time.Millisecond:
		return v * 1000
	case time.Nanosecond:
		return floorDiv(v, 1000)
	}
	return v
}

// DaysFromCivil is the day number (days since 1970-01-01) of y-m-d.
func DaysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// CivilFromDays is the date of day number z.
func CivilFromDays(z int64) (y, m, d int64) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// SplitMicros splits a timestamp in microseconds into its day number and
// the microseconds into that day (always >= 0).
func SplitMicros(us int64) (day, inDay int64) {
	day = floorDiv(us, MicrosPerDay)
	return day, us - day*MicrosPerDay
}

// DayOfWeek is Spark's dayofweek: 1 for Sunday through 7 for Saturday.
func DayOfWeek(day int64) int64 {
	// 1970-01-01 was a Thursday (5).
	return floorMod(day+4, 7) + 1
}

// IsLeap says whether y is a leap year.
func IsLeap(y int64) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// DaysInMonth is the number of days of month m of year y.
func DaysInMonth(y, m int64) int64 {
	switch m {
	case 2:
		if IsLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }

// FloorDiv is integer division rounding toward negative infinity.
func FloorDiv(a, b int64) int64 { return floorDiv(a, b) }

// TruncMicros truncates a timestamp to unit as Spark's date_trunc does:
// "year", "yyyy", "yy", "quarter", "month", "mon", "mm", "week" (Monday),
// "day", "dd", "hour", "minute", "second", "millisecond", "microsecond".
// ok is false for an unknown unit.
func TruncMicros(us int64, unit string) (int64, bool) {
	day, inDay := SplitMicros(us)
	switch unit {
	case "microsecond":
		return us, true
	case "millisecond":
		return us - floorMod(us, 1000), true
	case "second":
		return us - floorMod(us, MicrosPerSecond), true
	case "minute":
		return us - floorMod(us, MicrosPerMinute), true
	case "hour":
		return day*MicrosPerDay + inDay - inDay%MicrosPerHour, true
	case "day", "dd":
		return day * MicrosPerDay, true
	case "week":
		// Monday starts the week: DayOfWeek is 2 on Monday.
		back := floorMod(DayOfWeek(day)-2, 7)
		return (day - back) * MicrosPerDay, true
	}
	y, m, _ := CivilFromDays(day)
	switch unit {
	case "month", "mon", "mm":
		return DaysFromCivil(y, m, 1) * MicrosPerDay, true
	case "quarter":
		return DaysFromCivil(y, (m-1)/3*3+1, 1) * MicrosPerDay, true
	case "year", "yyyy", "yy":
		return DaysFromCivil(y, 1, 1) * MicrosPerDay, true
	}
	return 0, false
}

// TruncUnits lists the units TruncMicros knows.
var TruncUnits = []string{"year", "yyyy", "yy", "quarter", "month", "mon", "mm", "week", "day", "dd", "hour", "minute", "second", "millisecond", "microsecond"}
