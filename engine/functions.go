package engine

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/spate-io/spate/engine/plan"
)

// Functions of columns, named as Spark SQL's. Arguments typed any take a
// Column or a Go value (made a literal with Lit).

// Not is NOT c.
func Not(c Column) Column { return c.Not() }

// And is the conjunction of every column.
func And(cols ...Column) Column { return fold("and", cols) }

// Or is the disjunction of every column.
func Or(cols ...Column) Column { return fold("or", cols) }

func fold(op string, cols []Column) Column {
	if len(cols) == 0 {
		return Column{err: fmt.Errorf("engine: %s needs at least one column", op)}
	}
	out := cols[0]
	for _, c := range cols[1:] {
		out = call(op, out, c)
	}
	return out
}

// Coalesce is the first non-null value.
func Coalesce(values ...any) Column { return call("coalesce", values...) }

// When starts a conditional column: When(c1, v1).When(c2, v2).Otherwise(v).
func When(cond, value any) Column {
	c := call(plan.OpCaseWhen, cond, value)
	if c.err != nil {
		return c
	}
	c.expr.Op = plan.OpCaseWhen
	return c
}

// Abs is the absolute value.
func Abs(c Column) Column { return call("abs", c) }

// Strings. Non-string arguments are cast to string, as Spark does.

// Lower lower-cases a string.
func Lower(c Column) Column { return call("lower", c) }

// Upper upper-cases a string.
func Upper(c Column) Column { return call("upper", c) }

// Trim removes leading and trailing spaces.
func Trim(c Column) Column { return call("trim", c) }

// LTrim removes leading spaces.
func LTrim(c Column) Column { return call("ltrim", c) }

// RTrim removes trailing spaces.
func RTrim(c Column) Column { return call("rtrim", c) }

// Substring is length characters from pos (1-based; negative counts from
// the end). Binary columns count bytes.
func Substring(c Column, pos, length int) Column {
	return call("substring", c, int32(pos), int32(length))
}

// Concat joins strings; null if any is null.
func Concat(cols ...any) Column { return call("concat", cols...) }

// ConcatWS joins strings with sep, skipping nulls.
func ConcatWS(sep string, cols ...any) Column {
	return call("concat_ws", append([]any{sep}, cols...)...)
}

// Split splits a string around matches of pattern (a regular expression)
// into a list of strings. limit > 0 caps the number of parts.
func Split(c Column, pattern string, limit ...int) Column {
	if len(limit) > 0 {
		return call("split", c, pattern, int32(limit[0]))
	}
	return call("split", c, pattern)
}

// RegexpExtract is group idx of the first match of pattern, "" if none.
func RegexpExtract(c Column, pattern string, idx int) Column {
	return call("regexp_extract", c, pattern, int32(idx))
}

// RegexpReplace replaces every match of pattern; "$1" in replacement
// inserts a group.
func RegexpReplace(c Column, pattern, replacement string) Column {
	return call("regexp_replace", c, pattern, replacement)
}

// Length is the number of characters of a string, bytes of a binary.
func Length(c Column) Column { return call("length", c) }

// Hashes, as Spark computes them.

// Hash is Spark's hash(): Murmur3 x86_32, seed 42, over the columns.
func Hash(cols ...Column) Column { return call("hash", anys(cols)...) }

// XXHash64 is Spark's xxhash64(): XXH64, seed 42, over the columns.
func XXHash64(cols ...Column) Column { return call("xxhash64", anys(cols)...) }

// SHA256 is the lowercase hex SHA-256 of a string or binary (Spark's
// sha2(c, 256)).
func SHA256(c Column) Column { return call("sha256", c) }

// MD5 is the lowercase hex MD5 of a string or binary.
func MD5(c Column) Column { return call("md5", c) }

func anys(cols []Column) []any {
	out := make([]any, len(cols))
	for i, c := range cols {
		out[i] = c
	}
	return out
}

// Time, in UTC. Timestamps come out as timestamp[us, UTC].

// ToTimestamp parses a string (leniently, or with a Spark datetime
// pattern such as "yyyy-MM-dd HH:mm:ss"), or converts a date, timestamp or
// number of seconds. Unparseable strings give null.
func ToTimestamp(c Column, format ...string) Column {
	if len(format) > 0 {
		return call("to_timestamp", c, format[0])
	}
	return call("to_timestamp", c)
}

// ToDate parses a string (optionally with a pattern) or truncates a
// timestamp to its date.
func ToDate(c Column, format ...string) Column {
	if len(format) > 0 {
		return call("to_date", c, format[0])
	}
	return call("to_date", c)
}

// DateTrunc truncates a timestamp to unit: year, quarter, month, week,
// day, hour, minute, second, millisecond, microsecond.
func DateTrunc(unit string, c Column) Column { return call("date_trunc", unit, c) }

// Year of a timestamp or date.
func Year(c Column) Column { return call("year", c) }

// Month (1-12).
func Month(c Column) Column { return call("month", c) }

// DayOfMonth (1-31).
func DayOfMonth(c Column) Column { return call("dayofmonth", c) }

// DayOfWeek (1 = Sunday ... 7 = Saturday).
func DayOfWeek(c Column) Column { return call("dayofweek", c) }

// Hour (0-23).
func Hour(c Column) Column { return call("hour", c) }

// Minute (0-59).
func Minute(c Column) Column { return call("minute", c) }

// Second (0-59).
func Second(c Column) Column { return call("second", c) }

// FromUnixTime formats seconds since the epoch as a string, by default
// "yyyy-MM-dd HH:mm:ss".
func FromUnixTime(c Column, format ...string) Column {
	if len(format) > 0 {
		return call("from_unixtime", c, format[0])
	}
	return call("from_unixtime", c)
}

// UnixTimestamp is whole seconds since the epoch of a timestamp, date or
// string (parsed with format, by default "yyyy-MM-dd HH:mm:ss").
func UnixTimestamp(c Column, format ...string) Column {
	if len(format) > 0 {
		return call("unix_timestamp", c, format[0])
	}
	return call("unix_timestamp", c)
}

// TimestampSeconds makes a timestamp from seconds since the epoch.
func TimestampSeconds(c Column) Column { return call("timestamp_seconds", c) }

// TimestampMillis makes a timestamp from milliseconds since the epoch.
func TimestampMillis(c Column) Column { return call("timestamp_millis", c) }

// CurrentTimestamp is the time of the batch: the same for every row of a
// batch and for every replay of it.
func CurrentTimestamp() Column { return call("current_timestamp") }

// JSON.

// FromJSON parses JSON text (string or binary, like the Kafka value) into
// a struct of schema's fields. Options are Spark's: "mode" (PERMISSIVE,
// the default: malformed records give nulls and, when schema has a string
// field "_corrupt_record", their text there; DROPMALFORMED: dropped and
// counted; FAILFAST: the batch fails naming topic, partition and offset),
// "columnNameOfCorruptRecord", "timestampFormat", "dateFormat",
// "allowSingleQuotes", "allowNumericLeadingZeros", ...
func FromJSON(c Column, schema *arrow.Schema, options map[string]string) Column {
	if schema == nil {
		return Column{err: fmt.Errorf("engine: FromJSON needs a schema")}
	}
	out := call(plan.OpFromJSON, c)
	if out.err != nil {
		return out
	}
	out.expr.Type = &plan.Type{DataType: arrow.StructOf(schema.Fields()...)}
	if len(options) > 0 {
		out.expr.Options = make(map[string]string, len(options))
		for k, v := range options {
			out.expr.Options[k] = v
		}
	}
	return out
}

// GetJSONObject extracts the value at a JSON path ("$.a.b[0]") as text.
func GetJSONObject(c Column, path string) Column { return call("get_json_object", c, path) }

// ToJSON renders a struct, map or list as JSON text.
func ToJSON(c Column) Column { return call("to_json", c) }

// Collections.

// Size is the number of elements of a list or map (-1 for null).
func Size(c Column) Column { return call("size", c) }

// ElementAt is element key of a list (1-based, negative from the end) or
// the value of key in a map; null when absent.
func ElementAt(c Column, key any) Column { return call("element_at", c, key) }

// CallUDF calls a UDF registered with RegisterUDF.
func CallUDF(name string, cols ...Column) Column {
	out := call(plan.OpUDF, anys(cols)...)
	if out.err != nil {
		return out
	}
	out.expr.Name = name
	return out
}
