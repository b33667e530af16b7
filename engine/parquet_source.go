package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
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
		Summary: "Parquet files read whole, for static DataFrames (Session.ReadParquet).",
		Options: []OptionSpec{{Name: "paths", Type: "strings", Required: true, Doc: "files, folders (read recursively, skipping _ and . names) or glob patterns"}},
	})
}

// ParquetOptions are the Parquet source's plan options.
type ParquetOptions struct {
	// Paths are files, folders (read recursively) or glob patterns, as
	// given: a plan read later reads what matches then.
	Paths []string `json:"paths"`
}

// ParquetSource reads Parquet files whole: a BatchSource for static
// DataFrames.
type ParquetSource struct {
	paths  []string
	files  []string
	schema *arrow.Schema
}

// ReadParquet is a static DataFrame over Parquet files: each path a file,
// a folder (every .parquet file below it, skipping names that start with
// "_" or ".", as Spark does) or a glob pattern. Every file must have the
// first one's schema.
func (s *Session) ReadParquet(paths ...string) DataFrame {
	src, err := OpenParquet(paths...)
	if err != nil {
		return s.failed(err)
	}
	return s.Read(src)
}

// OpenParquet lists the files of paths and reads the schema of the first.
func OpenParquet(paths ...string) (*ParquetSource, error) {
	if len(paths) == 0 {
		return nil, fmt.Errorf("engine: ReadParquet needs at least one path")
	}
	files, err := parquetFiles(paths)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("engine: ReadParquet: no .parquet files in %s", strings.Join(paths, ", "))
	}
	schema, err := parquetSchema(files[0])
	if err != nil {
		return nil, err
	}
	return &ParquetSource{paths: paths, files: files, schema: schema}, nil
}

func parquetFiles(paths []string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	addFile := func(p string) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, p := range paths {
		matches := []string{p}
		if strings.ContainsAny(p, "*?[") {
			var err error
			if matches, err = filepath.Glob(p); err != nil {
				return nil, fmt.Errorf("engine: ReadParquet: bad pattern %q: %v", p, err)
			}
		}
		for _, m := range matches {
			st, err := os.Stat(m)
			if err != nil {
				return nil, fmt.Errorf("engine: ReadParquet: %v", err)
			}
			if !st.IsDir() {
				addFile(m)
				continue
			}
			err = filepath.WalkDir(m, func(path string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				name := d.Name()
				if path != m && (strings.HasPrefix(name, "_") || strings.HasPrefix(name, ".")) {
					if d.IsDir() {
						return filepath.SkipDir
					}
					return nil
				}
				if !d.IsDir() && strings.HasSuffix(name, ".parquet") {
					addFile(path)
				}
				return nil
			})
			if err != nil {
				return nil, fmt.Errorf("engine: ReadParquet: %v", err)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

func openParquet(path string, mem memory.Allocator) (*pqarrow.FileReader, *file.Reader, error) {
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		return nil, nil, fmt.Errorf("engine: ReadParquet: %s: %v", path, err)
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 64 << 10}, mem)
	if err != nil {
		pf.Close()
		return nil, nil, fmt.Errorf("engine: ReadParquet: %s: %v", path, err)
	}
	return fr, pf, nil
}

func parquetSchema(path string) (*arrow.Schema, error) {
	fr, pf, err := openParquet(path, memory.DefaultAllocator)
	if err != nil {
		return nil, err
	}
	defer pf.Close()
	schema, err := fr.Schema()
	if err != nil {
		return nil, fmt.Errorf("engine: ReadParquet: %s: %v", path, err)
	}
	return schema, nil
}

// Kind implements Source.
func (p *ParquetSource) Kind() string { return ParquetKind }

// Options implements Source.
func (p *ParquetSource) Options() any { return ParquetOptions{Paths: p.paths} }

// Schema implements Source.
func (p *ParquetSource) Schema() *arrow.Schema { return p.schema }

// Files lists the files the source reads, sorted.
func (p *ParquetSource) Files() []string { return append([]string(nil), p.files...) }

// ReadAll implements BatchSource: every file in name order, in batches
// of up to 65,536 rows.
func (p *ParquetSource) ReadAll(ctx context.Context, mem memory.Allocator, emit func(arrow.RecordBatch) error) error {
	for _, path := range p.files {
		if err := p.readFile(ctx, path, mem, emit); err != nil {
			return err
		}
	}
	return nil
}

func (p *ParquetSource) readFile(ctx context.Context, path string, mem memory.Allocator, emit func(arrow.RecordBatch) error) error {
	fr, pf, err := openParquet(path, mem)
	if err != nil {
		return err
	}
	defer pf.Close()
	schema, err := fr.Schema()
	if err != nil {
		return fmt.Errorf("engine: ReadParquet: %s: %v", path, err)
	}
	if !sameColumns(schema, p.schema) {
		return fmt.Errorf("engine: ReadParquet: %s has schema %s, but %s has %s; read them separately", path, schema, p.files[0], p.schema)
	}
	rr, err := fr.GetRecordReader(ctx, nil, nil)
	if err != nil {
		return fmt.Errorf("engine: ReadParquet: %s: %v", path, err)
	}
	defer rr.Release()
	for rr.Next() {
		rec := rr.RecordBatch()
		rec.Retain()
		if err := emit(rec); err != nil {
			return err
		}
	}
	if err := rr.Err(); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("engine: ReadParquet: %s: %v", path, err)
	}
	return nil
}

// sameColumns compares names and types, not metadata.
func sameColumns(a, b *arrow.Schema) bool {
	if a.NumFields() != b.NumFields() {
		return false
	}
	for i := range a.Fields() {
		if a.Field(i).Name != b.Field(i).Name || !arrow.TypeEqual(a.Field(i).Type, b.Field(i).Type) {
			return false
		}
	}
	return true
}
