package parquet

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/parquet/compress"

	"github.com/spate-io/spate/internal/parquetlog"
)

// Defaults of the sink's options.
const (
	// DefaultRowGroupRows is the row group size: big row groups paid off in
	// the measured comparison (shared/DECISIONS.md).
	DefaultRowGroupRows = 1 << 20
	// DefaultManifestCompactInterval is how often _spate_log is compacted,
	// Spark's spark.sql.streaming.fileSink.log.compactInterval.
	DefaultManifestCompactInterval = 10
	// DefaultCompression is the codec of the files.
	DefaultCompression = "snappy"
)

// Options is the sink's description in a serialized plan. The zero value of
// each field means its default.
type Options struct {
	// Path is the output folder, the root of the files and of _spate_log.
	Path string `json:"path"`
	// PartitionBy names the columns that become Hive-style col=value/
	// folders. They are not written inside the files. The default is none.
	PartitionBy []string `json:"partitionBy,omitempty"`
	// Compression is snappy (the default), zstd, gzip or none.
	Compression string `json:"compression,omitempty"`
	// RowGroupRows caps the rows of a row group. The default is 1,048,576.
	RowGroupRows int64 `json:"rowGroupRows,omitempty"`
	// MaxFileRows rolls to a new file after this many rows. The default 0
	// means no limit.
	MaxFileRows int64 `json:"maxFileRows,omitempty"`
	// MaxFileBytes rolls to a new file once a file's finished pages hold
	// this many compressed bytes. It is checked every 16,384 rows (and data
	// pages shrink to 1/64 of it, between 16 KiB and 1 MiB, so the check
	// sees the bytes promptly): a file passes it by up to a chunk and a
	// page per column, a few percent in practice. The default 0 means no
	// limit.
	MaxFileBytes int64 `json:"maxFileBytes,omitempty"`
	// Dictionary names the columns written with dictionary encoding; meant
	// for low-cardinality strings (topic, country). The default is none:
	// dictionary encoding of every column cost 10% of write time in the
	// measured comparison.
	Dictionary []string `json:"dictionary,omitempty"`
	// OmitArrowSchema leaves the Arrow schema out of the files' key-value
	// metadata. The default false stores it, so Arrow readers get time
	// zones and exact types back.
	OmitArrowSchema bool `json:"omitArrowSchema,omitempty"`
	// ManifestCompactInterval is the number of batches between compactions
	// of _spate_log. The default is 10.
	ManifestCompactInterval int64 `json:"manifestCompactInterval,omitempty"`
	// Retention bounds how long committed files stay listed in _spate_log.
	// The default keeps every file listed.
	Retention Retention `json:"retention,omitzero"`
}

// Retention bounds the entries of _spate_log, as the retention option of
// Spark's file sink: at each compaction, files of batches beyond it drop out
// of the log. The files stay on disk; log-aware readers stop seeing them.
// Set one of the fields, through RetainBatches or RetainFor.
type Retention struct {
	// Batches keeps the files of the last Batches batches. 0 means no limit.
	Batches int64 `json:"batches,omitempty"`
	// Age keeps the files of batches committed within Age. 0 means no limit.
	Age Duration `json:"age,omitempty"`
}

// RetainBatches keeps the files of the last n batches listed in _spate_log.
func RetainBatches(n int64) Retention { return Retention{Batches: n} }

// RetainFor keeps the files of the batches committed within d listed in
// _spate_log.
func RetainFor(d time.Duration) Retention { return Retention{Age: Duration(d)} }

// Duration is a time.Duration that reads and writes JSON as "72h0m0s".
type Duration time.Duration

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads a duration string such as "72h".
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("parquet: duration must be a string such as \"72h\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	*d = Duration(v)
	return nil
}

// codecs maps the accepted compression names to parquet codecs.
var codecs = map[string]compress.Compression{
	"snappy": compress.Codecs.Snappy,
	"zstd":   compress.Codecs.Zstd,
	"gzip":   compress.Codecs.Gzip,
	"none":   compress.Codecs.Uncompressed,
}

// codec returns the parquet codec of the options (snappy by default).
func (o *Options) codec() compress.Compression {
	if o.Compression == "" {
		return codecs[DefaultCompression]
	}
	return codecs[o.Compression]
}

func (o *Options) rowGroupRows() int64 {
	if o.RowGroupRows == 0 {
		return DefaultRowGroupRows
	}
	return o.RowGroupRows
}

func (o *Options) compactInterval() int64 {
	if o.ManifestCompactInterval == 0 {
		return DefaultManifestCompactInterval
	}
	return o.ManifestCompactInterval
}

// validate rejects options the sink cannot honour, with every problem
// named.
func (o *Options) validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("parquet: "+format, args...))
	}
	if o.Path == "" {
		bad("the output path is empty (pass a folder to parquet.Sink)")
	}
	if _, ok := codecs[o.Compression]; o.Compression != "" && !ok {
		bad("unknown compression %q (choose snappy, zstd, gzip, none)", o.Compression)
	}
	for _, f := range []struct {
		name string
		v    int64
	}{
		{"RowGroupRows", o.RowGroupRows}, {"MaxFileRows", o.MaxFileRows}, {"MaxFileBytes", o.MaxFileBytes},
		{"ManifestCompactInterval", o.ManifestCompactInterval}, {"retention batches", o.Retention.Batches},
		{"retention age", int64(o.Retention.Age)},
	} {
		if f.v < 0 {
			bad("%s is %d; it must be positive (or 0 for the default)", f.name, f.v)
		}
	}
	if o.Retention.Batches > 0 && o.Retention.Age > 0 {
		bad("retention is set both as %d batches and as %s; choose one", o.Retention.Batches, time.Duration(o.Retention.Age))
	}
	if err := checkNames("PartitionBy", o.PartitionBy); err != nil {
		errs = append(errs, err)
	}
	if err := checkNames("Dictionary", o.Dictionary); err != nil {
		errs = append(errs, err)
	}
	for _, c := range o.Dictionary {
		if contains(o.PartitionBy, c) {
			bad("column %q is both a partition column and a dictionary column; partition columns are not written inside the files", c)
		}
	}
	return errors.Join(errs...)
}

// checkNames rejects empty and repeated column names.
func checkNames(what string, names []string) error {
	if err := parquetlog.CheckNames(what, names); err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
