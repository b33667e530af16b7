package engine

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/arrow/scalar"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// parquetBatchRows is the most rows a record read from a file holds.
const parquetBatchRows = 64 << 10

// guardParquet runs a call into the Parquet reader, turning a panic on a
// damaged file into an error that names the file: bad input must not
// crash the process.
func guardParquet(path string, fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("engine: ReadParquet: %s is damaged: the Parquet reader failed (%v)", path, r)
		}
	}()
	return fn()
}

// openParquet opens a file's footer; the caller closes pf.
func openParquet(path string, mem memory.Allocator) (fr *pqarrow.FileReader, pf *file.Reader, err error) {
	err = guardParquet(path, func() error {
		var err error
		if pf, err = file.OpenParquetFile(path, false); err != nil {
			return fmt.Errorf("engine: ReadParquet: %s is not a Parquet file, or is damaged: %v", path, err)
		}
		if fr, err = pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: parquetBatchRows}, mem); err != nil {
			pf.Close()
			pf = nil
			return fmt.Errorf("engine: ReadParquet: %s: %v", path, err)
		}
		return nil
	})
	return fr, pf, err
}

// parquetSchema reads a file's schema.
func parquetSchema(path string) (*arrow.Schema, error) {
	fr, pf, err := openParquet(path, memory.DefaultAllocator)
	if err != nil {
		return nil, err
	}
	defer pf.Close()
	var schema *arrow.Schema
	err = guardParquet(path, func() error {
		var err error
		if schema, err = fr.Schema(); err != nil {
			return fmt.Errorf("engine: ReadParquet: %s: its schema cannot be read as Arrow: %v", path, err)
		}
		return nil
	})
	return schema, err
}

// projectFile finds the read's data columns in one file's schema by name:
// the index of each in have, or -1 when the file lacks it (it reads as
// nulls, as in Spark, which reads with one file's schema). A lacking
// column that is not nullable, or a column of another type, is an error.
func projectFile(want, have *arrow.Schema, first string) ([]int, error) {
	out := make([]int, want.NumFields())
	for i, f := range want.Fields() {
		idx := have.FieldIndices(f.Name)
		if len(idx) == 0 {
			if !f.Nullable {
				return nil, fmt.Errorf("it has no column %s, which %s has and declares not null; read the two separately", f.Name, first)
			}
			out[i] = -1
			continue
		}
		if got := have.Field(idx[0]).Type; !arrow.TypeEqual(got, f.Type) {
			return nil, fmt.Errorf("its column %s is %s, but %s in %s, whose schema the read takes; read the two separately, or cast one", f.Name, got, f.Type, first)
		}
		out[i] = idx[0]
	}
	return out, nil
}

// leafColumns are the Parquet leaf columns of one Arrow field.
func leafColumns(f *pqarrow.SchemaField, out []int) []int {
	if f.IsLeaf() {
		return append(out, f.ColIndex)
	}
	for i := range f.Children {
		out = leafColumns(&f.Children[i], out)
	}
	return out
}

// readFile reads file i of the source: the read's data columns, nulls
// for those it lacks, then its partition values.
func (p *ParquetSource) readFile(ctx context.Context, i int, mem memory.Allocator, emit func(arrow.RecordBatch) error) error {
	path := p.files[i]
	fr, pf, err := openParquet(path, mem)
	if err != nil {
		return err
	}
	defer pf.Close()
	var rr pqarrow.RecordReader
	err = guardParquet(path, func() error {
		have, err := fr.Schema()
		if err != nil {
			return fmt.Errorf("engine: ReadParquet: %s: its schema cannot be read as Arrow: %v", path, err)
		}
		cols, err := projectFile(p.data, have, p.files[0])
		if err != nil {
			return fmt.Errorf("engine: ReadParquet: %s: %v", path, err)
		}
		var leaves []int
		for _, c := range cols {
			if c >= 0 {
				leaves = leafColumns(&fr.Manifest.Fields[c], leaves)
			}
		}
		if len(leaves) == 0 {
			return nil // no column to read: rows of nulls, counted below
		}
		if rr, err = fr.GetRecordReader(ctx, leaves, nil); err != nil {
			return fmt.Errorf("engine: ReadParquet: %s: %v", path, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if rr == nil {
		return p.emitNullRows(ctx, i, pf.NumRows(), mem, emit)
	}
	defer rr.Release()
	return p.readRecords(ctx, i, rr, mem, emit)
}

func (p *ParquetSource) readRecords(ctx context.Context, i int, rr pqarrow.RecordReader, mem memory.Allocator, emit func(arrow.RecordBatch) error) error {
	path := p.files[i]
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		var rec arrow.RecordBatch
		err := guardParquet(path, func() error {
			if rr.Next() {
				rec = rr.RecordBatch()
			}
			return nil
		})
		if err != nil {
			return err
		}
		if rec == nil {
			break
		}
		out, err := p.assemble(i, rec, mem)
		if err != nil {
			return err
		}
		if err := emit(out); err != nil {
			return err
		}
	}
	if err := rr.Err(); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("engine: ReadParquet: %s is damaged: %v", path, err)
	}
	return nil
}

// emitNullRows emits the rows of a file that has none of the read's
// data columns.
func (p *ParquetSource) emitNullRows(ctx context.Context, i int, rows int64, mem memory.Allocator, emit func(arrow.RecordBatch) error) error {
	for rows > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := min(rows, parquetBatchRows)
		out, err := p.build(i, make([]arrow.Array, p.data.NumFields()), int(n), mem)
		if err != nil {
			return err
		}
		if err := emit(out); err != nil {
			return err
		}
		rows -= n
	}
	return nil
}

// assemble turns a record read from file i (its columns in file order)
// into one of the source's schema.
func (p *ParquetSource) assemble(i int, rec arrow.RecordBatch, mem memory.Allocator) (arrow.RecordBatch, error) {
	cols := make([]arrow.Array, p.data.NumFields())
	for k, f := range p.data.Fields() {
		idx := rec.Schema().FieldIndices(f.Name)
		if len(idx) == 0 {
			continue
		}
		c := rec.Column(idx[0])
		if !arrow.TypeEqual(c.DataType(), f.Type) {
			return nil, fmt.Errorf("engine: ReadParquet: %s: column %s reads as %s, want %s", p.files[i], f.Name, c.DataType(), f.Type)
		}
		if !f.Nullable && c.NullN() > 0 {
			return nil, fmt.Errorf("engine: ReadParquet: %s: column %s holds nulls, but it is not nullable in %s, whose schema the read takes; read the two separately", p.files[i], f.Name, p.files[0])
		}
		cols[k] = c
	}
	return p.build(i, cols, int(rec.NumRows()), mem)
}

// build makes a record of n rows: the data columns given (nulls where
// nil), then file i's partition values repeated.
func (p *ParquetSource) build(i int, cols []arrow.Array, n int, mem memory.Allocator) (arrow.RecordBatch, error) {
	out := make([]arrow.Array, 0, p.schema.NumFields())
	defer func() {
		for _, a := range out {
			a.Release()
		}
	}()
	for k, c := range cols {
		if c == nil {
			out = append(out, array.MakeArrayOfNull(mem, p.data.Field(k).Type, n))
			continue
		}
		c.Retain()
		out = append(out, c)
	}
	for j, sc := range p.values[i] {
		a, err := scalar.MakeArrayFromScalar(sc, n, mem)
		if err != nil {
			return nil, fmt.Errorf("engine: ReadParquet: %s: partition column %s: %v", p.files[i], p.schema.Field(len(cols)+j).Name, err)
		}
		out = append(out, a)
	}
	return array.NewRecordBatch(p.schema, out, int64(n)), nil
}
