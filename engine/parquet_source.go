package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/arrow/scalar"
)

// ParquetKind is the kind of the Parquet file source in plans.
const ParquetKind = "parquet"

func init() {
	RegisterSource(ParquetKind, func(raw json.RawMessage) (Source, error) {
		var o ParquetOptions
		if err := json.Unmarshal(raw, &o); err != nil {
			return nil, fmt.Errorf("bad options %s: %v", raw, err)
		}
		return OpenParquet(o.Paths...)
	})
	DescribeSource(ParquetKind, ConnectorSpec{
		Summary: "Parquet files read whole, for static DataFrames (Session.ReadParquet): a spate Parquet sink's committed output, Hive-style partitioned folders, files or patterns.",
		Options: []OptionSpec{{Name: "paths", Type: "strings", Required: true,
			Doc: "files, folders (a sink's output as its _spate_log says, others recursively, skipping _ and . names; col=value folders become columns) or glob patterns (** for any folders)"}},
	})
}

// ParquetOptions are the Parquet source's plan options.
type ParquetOptions struct {
	// Paths are files, folders or glob patterns, as given: a plan read
	// later reads what they name then.
	Paths []string `json:"paths"`
}

// ParquetSource reads Parquet files whole: a BatchSource for static
// DataFrames.
type ParquetSource struct {
	paths []string
	files []string
	// values are each file's partition values, one per partition column.
	values [][]scalar.Scalar
	// data is the files' columns: the first file's schema.
	data *arrow.Schema
	// schema is data followed by the partition columns.
	schema *arrow.Schema
}

// ReadParquet is a static DataFrame over Parquet files, as Spark's
// spark.read.parquet(paths...). Each path is
//
//   - the output folder of spate's Parquet sink (it holds _spate_log):
//     exactly the files of the committed batches are read, never those of
//     a batch still running or of a replaced attempt;
//   - another folder: every .parquet file below it, skipping names that
//     start with "_" or "." (Spark's hidden files); a sink output folder
//     inside it is read as its log says;
//   - a file, read whatever its name;
//   - a glob pattern ("out/date=2026-*", "out/**/*.parquet", "**" for any
//     number of folders): what it matches, files below a sink's output
//     folder only if its log lists them.
//
// Hive-style col=value folders become columns after the files' columns
// (partition discovery, from the folder named or a pattern's last folder
// without wildcards; a file named directly has none). Their types are
// those the sink's log records, else inferred as Spark infers them: int,
// long, decimal, double, timestamp (UTC), date, else string;
// __HIVE_DEFAULT_PARTITION__ is null. Every file must sit under the same
// partition columns.
//
// The files' columns are the first file's (Spark's default,
// mergeSchema=false): a file lacking a nullable one reads nulls there,
// its extra columns are left out, and a column of another type is an
// error.
func (s *Session) ReadParquet(paths ...string) DataFrame {
	src, err := OpenParquet(paths...)
	if err != nil {
		return s.failed(err)
	}
	return s.Read(src)
}

// OpenParquet lists the files of paths, discovers their partition columns
// and reads the schema of the first; see Session.ReadParquet.
func OpenParquet(paths ...string) (*ParquetSource, error) {
	if len(paths) == 0 {
		return nil, fmt.Errorf("engine: ReadParquet needs at least one path")
	}
	listing, err := listParquet(paths)
	if err != nil {
		return nil, err
	}
	part, err := discoverPartitions(listing.files, listing.hints)
	if err != nil {
		return nil, err
	}
	first := listing.files[0].path
	data, err := parquetSchema(first)
	if err != nil {
		return nil, err
	}
	schema, err := withPartitionColumns(data, part.fields, first)
	if err != nil {
		return nil, err
	}
	files := make([]string, len(listing.files))
	for i, f := range listing.files {
		files[i] = f.path
	}
	return &ParquetSource{paths: paths, files: files, values: part.values, data: data, schema: schema}, nil
}

// withPartitionColumns appends the partition columns to the files'
// columns. A partition column the files also hold is an error: which of
// the two values to believe is unclear.
func withPartitionColumns(data *arrow.Schema, part []arrow.Field, first string) (*arrow.Schema, error) {
	fields := append([]arrow.Field(nil), data.Fields()...)
	for _, f := range part {
		for _, d := range data.Fields() {
			if strings.EqualFold(d.Name, f.Name) {
				return nil, fmt.Errorf("engine: ReadParquet: %s has a column %s, and its folders a partition column %s; rename the folders, or read the files by name (then folders are not read as columns)", first, d.Name, f.Name)
			}
		}
		fields = append(fields, f)
	}
	md := data.Metadata()
	return arrow.NewSchema(fields, &md), nil
}

// Kind implements Source.
func (p *ParquetSource) Kind() string { return ParquetKind }

// Options implements Source.
func (p *ParquetSource) Options() any { return ParquetOptions{Paths: p.paths} }

// Schema implements Source.
func (p *ParquetSource) Schema() *arrow.Schema { return p.schema }

// Files lists the files the source reads, in the order it reads them.
func (p *ParquetSource) Files() []string { return append([]string(nil), p.files...) }

// ReadAll implements BatchSource: every file in order, in records of up to
// 65,536 rows.
func (p *ParquetSource) ReadAll(ctx context.Context, mem memory.Allocator, emit func(arrow.RecordBatch) error) error {
	for i := range p.files {
		if err := p.readFile(ctx, i, mem, emit); err != nil {
			return err
		}
	}
	return nil
}
