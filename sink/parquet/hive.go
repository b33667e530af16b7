package parquet

import (
	"strings"

	"github.com/spate-io/spate/internal/parquetlog"
)

// DefaultPartitionName is the folder value of a null or empty partition
// value, as in Hive and Spark.
const DefaultPartitionName = "__HIVE_DEFAULT_PARTITION__"

// escapePathName escapes a partition column name or value for a folder name
// as Hive and Spark do (ExternalCatalogUtils.escapePathName): control
// characters and "#%'*/:=?\{[]^ plus DEL become %XX, upper-case hex, byte
// by byte. Everything else, non-ASCII included, is kept.
func escapePathName(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r < 0x80 && needsEscape(byte(r)) }) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if needsEscape(c) {
			const hex = "0123456789ABCDEF"
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xF])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func needsEscape(c byte) bool {
	if c < 0x20 || c == 0x7F {
		return true
	}
	return strings.IndexByte("\"#%'*/:=?\\{[]^", c) >= 0
}

// partitionDir is the relative folder of a partition: col=value segments
// joined by "/", a nil value written as DefaultPartitionName.
func partitionDir(values []PartitionValue) string {
	var b strings.Builder
	for i, v := range values {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(escapePathName(v.Column))
		b.WriteByte('=')
		if v.Value == nil {
			b.WriteString(DefaultPartitionName)
		} else {
			b.WriteString(escapePathName(*v.Value))
		}
	}
	return b.String()
}

// PartitionValue is the value of one partition column of a file; Value is
// nil for null (and for the empty string, which Spark also treats as null).
type PartitionValue = parquetlog.PartitionValue
