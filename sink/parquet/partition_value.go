package parquet

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// checkPartitionType accepts the types a partition column may have: values
// that print as a folder name the way Spark prints them.
func checkPartitionType(name string, dt arrow.DataType) error {
	switch dt.ID() {
	case arrow.STRING, arrow.LARGE_STRING, arrow.STRING_VIEW,
		arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.BOOL, arrow.DATE32, arrow.TIMESTAMP:
		return nil
	case arrow.DICTIONARY:
		return checkPartitionType(name, dt.(*arrow.DictionaryType).ValueType)
	}
	return fmt.Errorf("parquet: cannot partition by column %s of type %s (partition by a string, integer, boolean, date or timestamp column; cast it first)", name, dt)
}

// partitionValue formats row i of a partition column as its folder value;
// ok is false for null and for the empty string (Spark writes both as
// DefaultPartitionName). The column's type passed checkPartitionType.
func partitionValue(arr arrow.Array, i int) (v string, ok bool) {
	if arr.IsNull(i) {
		return "", false
	}
	switch a := arr.(type) {
	case *array.String:
		v = a.Value(i)
	case *array.LargeString:
		v = a.Value(i)
	case *array.StringView:
		v = a.Value(i)
	case *array.Int8:
		v = strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Int16:
		v = strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Int32:
		v = strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Int64:
		v = strconv.FormatInt(a.Value(i), 10)
	case *array.Uint8:
		v = strconv.FormatUint(uint64(a.Value(i)), 10)
	case *array.Uint16:
		v = strconv.FormatUint(uint64(a.Value(i)), 10)
	case *array.Uint32:
		v = strconv.FormatUint(uint64(a.Value(i)), 10)
	case *array.Uint64:
		v = strconv.FormatUint(a.Value(i), 10)
	case *array.Boolean:
		v = strconv.FormatBool(a.Value(i))
	case *array.Date32:
		v = a.Value(i).ToTime().Format(time.DateOnly)
	case *array.Timestamp:
		v = formatTimestamp(a.Value(i), a.DataType().(*arrow.TimestampType).Unit)
	case *array.Dictionary:
		return partitionValue(a.Dictionary(), a.GetValueIndex(i))
	default:
		// Unreachable after checkPartitionType; a clear value beats a panic.
		v = arr.ValueStr(i)
	}
	return v, v != ""
}

// formatTimestamp prints a timestamp in UTC as Spark prints timestamp
// partition values: "2024-01-02 03:04:05", with the fraction of a second
// only when it is not zero and without trailing zeros.
func formatTimestamp(ts arrow.Timestamp, unit arrow.TimeUnit) string {
	t := ts.ToTime(unit).UTC()
	s := t.Format(time.DateTime)
	if ns := t.Nanosecond(); ns != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%09d", ns), "0")
	}
	return s
}
