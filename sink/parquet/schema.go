package parquet

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// ValidateSchema checks that the sink can write rows of the schema: the
// partition and dictionary columns exist with fitting types and at least
// one column is left to write inside the files.
func (s *FileSink) ValidateSchema(schema *arrow.Schema) error {
	if err := s.Validate(); err != nil {
		return err
	}
	_, err := newLayout(&s.opts, schema)
	return err
}

// layout is how a task's input schema maps onto folders and files.
type layout struct {
	input     *arrow.Schema
	data      *arrow.Schema // the columns written inside the files
	partCols  []int         // input indices of PartitionBy, in order
	dataCols  []int         // input indices of data's columns
	partNames []string
}

func newLayout(o *Options, input *arrow.Schema) (*layout, error) {
	l := &layout{input: input, partNames: o.PartitionBy}
	isPart := make(map[int]bool)
	for _, name := range o.PartitionBy {
		i, err := columnIndex(input, name, "partition")
		if err != nil {
			return nil, err
		}
		if err := checkPartitionType(name, input.Field(i).Type); err != nil {
			return nil, err
		}
		l.partCols = append(l.partCols, i)
		isPart[i] = true
	}
	var fields []arrow.Field
	for i, f := range input.Fields() {
		if !isPart[i] {
			l.dataCols = append(l.dataCols, i)
			fields = append(fields, f)
		}
	}
	if len(fields) == 0 {
		return nil, fmt.Errorf("parquet: cannot partition by every column (%s); leave at least one column to write inside the files", strings.Join(o.PartitionBy, ", "))
	}
	md := input.Metadata()
	l.data = arrow.NewSchema(fields, &md)
	for _, name := range o.Dictionary {
		i, err := columnIndex(l.data, name, "dictionary")
		if err != nil {
			return nil, err
		}
		if id := l.data.Field(i).Type.ID(); !arrow.IsBaseBinary(id) && !arrow.IsPrimitive(id) && id != arrow.DICTIONARY {
			return nil, fmt.Errorf("parquet: dictionary column %s has type %s; dictionary encoding applies to flat columns (strings, binaries, numbers)", name, l.data.Field(i).Type)
		}
	}
	return l, nil
}

func columnIndex(s *arrow.Schema, name, role string) (int, error) {
	idx := s.FieldIndices(name)
	switch len(idx) {
	case 1:
		return idx[0], nil
	case 0:
		return 0, fmt.Errorf("parquet: %s column %q is not in the output (columns: %s)", role, name, columnList(s))
	}
	return 0, fmt.Errorf("parquet: %s column %q appears %d times in the output; rename the duplicates", role, name, len(idx))
}

func columnList(s *arrow.Schema) string {
	names := make([]string, s.NumFields())
	for i, f := range s.Fields() {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}

// schemaDiff explains how got differs from want, column by column (names
// and types; nullability and metadata do not matter), or returns nil.
func schemaDiff(want, got *arrow.Schema) error {
	for _, g := range got.Fields() {
		idx := want.FieldIndices(g.Name)
		if len(idx) == 0 {
			return fmt.Errorf("parquet: schema mismatch: column %s (%s) is new; the sink's columns are %s", g.Name, g.Type, columnList(want))
		}
		if w := want.Field(idx[0]); !arrow.TypeEqual(w.Type, g.Type) {
			return fmt.Errorf("parquet: schema mismatch in column %s: got %s, want %s", g.Name, g.Type, w.Type)
		}
	}
	for _, w := range want.Fields() {
		if !got.HasField(w.Name) {
			return fmt.Errorf("parquet: schema mismatch: column %s (%s) is missing; the output's columns are %s", w.Name, w.Type, columnList(got))
		}
	}
	if columnList(want) != columnList(got) {
		return fmt.Errorf("parquet: schema mismatch: columns are in another order: got %s, want %s", columnList(got), columnList(want))
	}
	return nil
}
