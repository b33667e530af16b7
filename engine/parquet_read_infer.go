package engine

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/scalar"
)

// hiveDefaultPartition is the folder value of a null partition value, as
// Hive, Spark and spate's Parquet sink write it.
const hiveDefaultPartition = "__HIVE_DEFAULT_PARTITION__"

// partKind is the type Spark infers for a partition folder value
// (spark.sql.sources.partitionColumnTypeInference.enabled, true by
// default), in the order Spark tries them.
type partKind int

const (
	kindNull partKind = iota
	kindInt
	kindLong
	kindDecimal
	kindDouble
	kindDate
	kindTimestamp
	kindString
)

// partType is an inferred partition column type; precision is the
// number of digits of a decimal (its scale is always 0).
type partType struct {
	kind      partKind
	precision int32
}

// maxDecimalDigits is the widest decimal Spark infers (DecimalType(38,0)).
const maxDecimalDigits = 38

var (
	integerText   = regexp.MustCompile(`^[+-]?[0-9]+$`)
	javaDouble    = regexp.MustCompile(`^[+-]?(NaN|Infinity|([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?[fFdD]?)$`)
	dateText      = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
	timestampText = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?$`)
)

// inferPartitionValue is Spark's PartitioningUtils.inferPartitionColumnValue:
// int, then long, then a whole decimal of up to 38 digits, then double,
// then timestamp ("yyyy-MM-dd HH:mm:ss[.S]", read in UTC), then date
// ("yyyy-MM-dd"), else string; __HIVE_DEFAULT_PARTITION__ is null. Numbers
// and dates are read from the raw folder value, timestamps from the
// unescaped one (their colons are escaped as %3A), as Spark does.
//
// One difference: Spark also infers a decimal from exponent forms such as
// "1E5"; here they are doubles.
func inferPartitionValue(raw string) partType {
	if raw == hiveDefaultPartition {
		return partType{kind: kindNull}
	}
	if _, err := strconv.ParseInt(raw, 10, 32); err == nil {
		return partType{kind: kindInt}
	}
	if _, err := strconv.ParseInt(raw, 10, 64); err == nil {
		return partType{kind: kindLong}
	}
	if p := decimalDigits(raw); p > 0 && p <= maxDecimalDigits {
		return partType{kind: kindDecimal, precision: p}
	}
	if _, err := parseJavaDouble(raw); err == nil {
		return partType{kind: kindDouble}
	}
	if _, err := parsePartitionTimestamp(unescapePathName(raw)); err == nil {
		return partType{kind: kindTimestamp}
	}
	if _, err := parsePartitionDate(raw); err == nil {
		return partType{kind: kindDate}
	}
	return partType{kind: kindString}
}

// decimalDigits is the precision of a whole number written in decimal
// digits (leading zeros do not count), or 0 when s is not one.
func decimalDigits(s string) int32 {
	if !integerText.MatchString(s) {
		return 0
	}
	digits := strings.TrimLeft(strings.TrimLeft(s, "+-"), "0")
	return int32(max(len(digits), 1))
}

// widenPartitionTypes is the type two partition values of one column are
// both read as: Spark's findWiderTypeForPartitionColumn. Numbers widen
// int < long < decimal and int < double, a date widens to a timestamp,
// and what widens to nothing without losing precision (long and double,
// decimal and double, a number and a date) becomes a string.
func widenPartitionTypes(a, b partType) partType {
	if a.kind > b.kind {
		a, b = b, a
	}
	switch {
	case a.kind == kindNull:
		return b
	case a.kind == b.kind && a.kind == kindDecimal:
		return partType{kind: kindDecimal, precision: max(a.precision, b.precision)}
	case a.kind == b.kind:
		return a
	case a.kind == kindInt && b.kind == kindLong:
		return b
	case a.kind == kindInt && b.kind == kindDecimal:
		return partType{kind: kindDecimal, precision: max(b.precision, 10)}
	case a.kind == kindLong && b.kind == kindDecimal:
		return partType{kind: kindDecimal, precision: max(b.precision, 20)}
	case a.kind == kindInt && b.kind == kindDouble:
		return b
	case a.kind == kindDate && b.kind == kindTimestamp:
		return b
	}
	return partType{kind: kindString}
}

// arrowType is the Arrow type of an inferred partition column, Spark's
// types in Arrow terms; a column of nulls only is a string column.
func (t partType) arrowType() arrow.DataType {
	switch t.kind {
	case kindInt:
		return arrow.PrimitiveTypes.Int32
	case kindLong:
		return arrow.PrimitiveTypes.Int64
	case kindDecimal:
		return &arrow.Decimal128Type{Precision: t.precision, Scale: 0}
	case kindDouble:
		return arrow.PrimitiveTypes.Float64
	case kindDate:
		return arrow.FixedWidthTypes.Date32
	case kindTimestamp:
		return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	}
	return arrow.BinaryTypes.String
}

// partitionHintType is the type a partition column is read as when the
// sink's log declares dt for it, or nil when such a column cannot be
// read from folder names (then the type is inferred). A dictionary column
// reads as its values' type, a string view as a string.
func partitionHintType(dt arrow.DataType) arrow.DataType {
	switch dt.ID() {
	case arrow.STRING, arrow.STRING_VIEW:
		return arrow.BinaryTypes.String
	case arrow.LARGE_STRING, arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.BOOL, arrow.DATE32, arrow.TIMESTAMP:
		return dt
	case arrow.DICTIONARY:
		return partitionHintType(dt.(*arrow.DictionaryType).ValueType)
	}
	return nil
}

// partitionScalar reads a raw (escaped) folder value as a value of dt,
// as Spark's castPartValueToDesiredType does.
func partitionScalar(raw string, dt arrow.DataType) (scalar.Scalar, error) {
	if raw == hiveDefaultPartition {
		return scalar.MakeNullScalar(dt), nil
	}
	switch dt.ID() {
	case arrow.STRING:
		return scalar.NewStringScalar(unescapePathName(raw)), nil
	case arrow.LARGE_STRING:
		return scalar.NewLargeStringScalar(unescapePathName(raw)), nil
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64:
		return intScalar(raw, dt)
	case arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		return uintScalar(raw, dt)
	case arrow.FLOAT64:
		v, err := parseJavaDouble(raw)
		return scalar.NewFloat64Scalar(v), err
	case arrow.BOOL:
		return boolScalar(raw)
	case arrow.DECIMAL128:
		d := dt.(*arrow.Decimal128Type)
		v, err := decimal128.FromString(raw, d.Precision, d.Scale)
		return scalar.NewDecimal128Scalar(v, dt), err
	case arrow.DATE32:
		t, err := parsePartitionDate(raw)
		return scalar.NewDate32Scalar(arrow.Date32FromTime(t)), err
	case arrow.TIMESTAMP:
		return timestampScalar(raw, dt.(*arrow.TimestampType))
	}
	return nil, fmt.Errorf("a partition column of type %s cannot be read from folder names", dt)
}

func intScalar(raw string, dt arrow.DataType) (scalar.Scalar, error) {
	bits := dt.(arrow.FixedWidthDataType).BitWidth()
	v, err := strconv.ParseInt(raw, 10, bits)
	if err != nil {
		return nil, fmt.Errorf("not a %d-bit integer", bits)
	}
	switch dt.ID() {
	case arrow.INT8:
		return scalar.NewInt8Scalar(int8(v)), nil
	case arrow.INT16:
		return scalar.NewInt16Scalar(int16(v)), nil
	case arrow.INT32:
		return scalar.NewInt32Scalar(int32(v)), nil
	}
	return scalar.NewInt64Scalar(v), nil
}

func uintScalar(raw string, dt arrow.DataType) (scalar.Scalar, error) {
	bits := dt.(arrow.FixedWidthDataType).BitWidth()
	v, err := strconv.ParseUint(raw, 10, bits)
	if err != nil {
		return nil, fmt.Errorf("not an unsigned %d-bit integer", bits)
	}
	switch dt.ID() {
	case arrow.UINT8:
		return scalar.NewUint8Scalar(uint8(v)), nil
	case arrow.UINT16:
		return scalar.NewUint16Scalar(uint16(v)), nil
	case arrow.UINT32:
		return scalar.NewUint32Scalar(uint32(v)), nil
	}
	return scalar.NewUint64Scalar(v), nil
}

// boolScalar reads true or false in any case, as Scala's toBoolean.
func boolScalar(raw string) (scalar.Scalar, error) {
	switch {
	case strings.EqualFold(raw, "true"):
		return scalar.NewBooleanScalar(true), nil
	case strings.EqualFold(raw, "false"):
		return scalar.NewBooleanScalar(false), nil
	}
	return nil, fmt.Errorf("not true or false")
}

// timestampScalar reads a timestamp in UTC (the zone the sink writes
// them in), or a date as its midnight, as Spark falls back to.
func timestampScalar(raw string, dt *arrow.TimestampType) (scalar.Scalar, error) {
	t, err := parsePartitionTimestamp(unescapePathName(raw))
	if err != nil {
		if t, err = parsePartitionDate(raw); err != nil {
			return nil, fmt.Errorf(`not a timestamp "yyyy-MM-dd HH:mm:ss[.fraction]" or a date "yyyy-MM-dd"`)
		}
	}
	v, err := arrow.TimestampFromTime(t, dt.Unit)
	if err != nil {
		return nil, fmt.Errorf("out of the range of %s", dt)
	}
	return scalar.NewTimestampScalar(v, dt), nil
}

// parseJavaDouble accepts what Java's Double.parseDouble accepts in
// decimal: an optional sign, digits with an optional point and exponent,
// an optional f or d suffix, NaN and Infinity.
func parseJavaDouble(s string) (float64, error) {
	if !javaDouble.MatchString(s) {
		return 0, fmt.Errorf("not a number")
	}
	s = strings.TrimRight(s, "fFdD")
	if strings.TrimLeft(s, "+-") == "NaN" {
		return math.NaN(), nil // Go's parser takes no sign on NaN, Java's does
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, fmt.Errorf("not a number")
	}
	// Out of range is ±Inf or 0, as in Java.
	return v, nil
}

func parsePartitionDate(s string) (time.Time, error) {
	if !dateText.MatchString(s) {
		return time.Time{}, fmt.Errorf(`not a date "yyyy-MM-dd"`)
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return t, fmt.Errorf("not a valid date")
	}
	return t, nil
}

func parsePartitionTimestamp(s string) (time.Time, error) {
	if !timestampText.MatchString(s) {
		return time.Time{}, fmt.Errorf(`not a timestamp "yyyy-MM-dd HH:mm:ss[.fraction]"`)
	}
	t, err := time.Parse(time.DateTime, s)
	if err != nil {
		return t, fmt.Errorf("not a valid timestamp")
	}
	return t, nil
}
