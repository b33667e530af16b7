package jsonkernel

import (
	"fmt"
	"time"
)

// Mode says what FromJSON does with a malformed row, as Spark's `mode` option.
type Mode uint8

const (
	// Permissive keeps every row. A row that is not valid JSON gets all its
	// fields null; a row whose JSON is valid but where some fields do not
	// convert to their type keeps the fields that did convert (Spark 3.4+
	// partial results). Either way the raw text goes to the corrupt record
	// field when the schema has one. This is the default.
	Permissive Mode = iota
	// DropMalformed marks malformed rows in Result.Keep so the caller filters
	// them out, and counts them.
	DropMalformed
	// FailFast stops at the first malformed row with a *MalformedError.
	FailFast
)

// String returns Spark's name of the mode.
func (m Mode) String() string {
	switch m {
	case Permissive:
		return "PERMISSIVE"
	case DropMalformed:
		return "DROPMALFORMED"
	case FailFast:
		return "FAILFAST"
	}
	return fmt.Sprintf("Mode(%d)", uint8(m))
}

// ParseMode reads Spark's spelling of a mode, case-insensitively.
func ParseMode(s string) (Mode, error) {
	for _, m := range []Mode{Permissive, DropMalformed, FailFast} {
		if equalFoldASCII(s, m.String()) {
			return m, nil
		}
	}
	return 0, fmt.Errorf("jsonkernel: unknown mode %q (want PERMISSIVE, DROPMALFORMED or FAILFAST)", s)
}

// DefaultCorruptRecordColumn is Spark's default columnNameOfCorruptRecord.
const DefaultCorruptRecordColumn = "_corrupt_record"

// Options mirror the options of Spark's from_json. The zero value is
// Spark's defaults.
type Options struct {
	// Mode handles malformed rows. The default is Permissive.
	Mode Mode
	// ColumnNameOfCorruptRecord names the string field of the target schema
	// that receives the raw text of malformed rows; it is not read from the
	// JSON. The default is "_corrupt_record". A schema without that field
	// simply has no corrupt record column.
	ColumnNameOfCorruptRecord string
	// TimestampFormat is a Spark datetime pattern such as
	// "yyyy-MM-dd HH:mm:ss.SSS". The default "" accepts ISO-8601 / RFC 3339
	// text with Spark's lenient fallback (see the package doc). Setting it
	// turns the fallback off, as in Spark.
	TimestampFormat string
	// DateFormat is a Spark datetime pattern for date fields. The default ""
	// accepts yyyy-MM-dd and Spark's lenient fallback forms.
	DateFormat string
	// TimeZone interprets timestamp text that carries no offset, as Spark's
	// session time zone does. The default nil means UTC.
	TimeZone *time.Location
	// CaseInsensitive matches JSON keys to fields ignoring case. The default
	// false matches exactly, as Spark's JSON reader does.
	CaseInsensitive bool
	// AllowNumericLeadingZeros accepts numbers such as 007. The default
	// false rejects them as malformed JSON, as Spark does.
	AllowNumericLeadingZeros bool
	// RejectNonNumericNumbers refuses NaN, Infinity, +INF, -INF and friends.
	// The default false accepts them, as Spark's allowNonNumericNumbers=true.
	RejectNonNumericNumbers bool
	// RejectSingleQuotes refuses 'single quoted' strings and keys. The
	// default false accepts them, as Spark's allowSingleQuotes=true.
	RejectSingleQuotes bool
	// AllowUnquotedControlChars accepts raw control characters (below 0x20)
	// inside strings. The default false rejects them, as Spark does.
	AllowUnquotedControlChars bool
	// MaxDepth is the deepest nesting of objects and arrays accepted; deeper
	// input is malformed. The default 0 means 1000, Jackson's limit.
	MaxDepth int
	// MaxStringLength is the longest string value or key in bytes; longer is
	// malformed. The default 0 means 20,000,000, Jackson's limit.
	MaxStringLength int
}

const (
	defaultMaxDepth        = 1000
	defaultMaxStringLength = 20_000_000
	// maxNumberLength is Jackson's default limit on the digits of a number.
	maxNumberLength = 1000
)

// withDefaults fills the zero fields with their documented defaults.
func (o Options) withDefaults() Options {
	if o.ColumnNameOfCorruptRecord == "" {
		o.ColumnNameOfCorruptRecord = DefaultCorruptRecordColumn
	}
	if o.TimeZone == nil {
		o.TimeZone = time.UTC
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = defaultMaxDepth
	}
	if o.MaxStringLength <= 0 {
		o.MaxStringLength = defaultMaxStringLength
	}
	return o
}

func (o Options) validate() error {
	if o.Mode > FailFast {
		return fmt.Errorf("jsonkernel: unknown mode %d", o.Mode)
	}
	return nil
}

// equalFoldASCII compares two strings ignoring ASCII case.
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
