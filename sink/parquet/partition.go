package parquet

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// part is the rows of one record that go to one partition folder, with the
// data columns only. The receiver releases rec.
type part struct {
	dir    string
	values []PartitionValue
	rec    arrow.RecordBatch
}

// group is where the rows of one partition sit in a record.
type group struct {
	dir     string
	values  []PartitionValue
	rows    []int32
	ordered bool // rows are one contiguous run
}

// split cuts a record of the layout's input schema into one part per
// partition folder, keeping the rows' order within each part and ordering
// the parts by first appearance. Contiguous rows are sliced without a copy;
// scattered rows are gathered with compute.Take.
func (l *layout) split(ctx context.Context, rec arrow.RecordBatch, mem memory.Allocator) ([]part, error) {
	data := l.project(rec)
	defer data.Release()
	if len(l.partCols) == 0 {
		data.Retain()
		return []part{{rec: data}}, nil
	}
	groups := l.groupRows(rec)
	parts := make([]part, 0, len(groups))
	for _, g := range groups {
		sub, err := l.gather(ctx, data, g, mem)
		if err != nil {
			releaseParts(parts)
			return nil, err
		}
		parts = append(parts, part{dir: g.dir, values: g.values, rec: sub})
	}
	return parts, nil
}

// project keeps the data columns of a record.
func (l *layout) project(rec arrow.RecordBatch) arrow.RecordBatch {
	cols := make([]arrow.Array, len(l.dataCols))
	for i, c := range l.dataCols {
		cols[i] = rec.Column(c)
	}
	return array.NewRecordBatch(l.data, cols, rec.NumRows())
}

// groupRows finds each row's partition folder.
func (l *layout) groupRows(rec arrow.RecordBatch) []*group {
	byDir := make(map[string]*group)
	var order []*group
	cols := make([]arrow.Array, len(l.partCols))
	for i, c := range l.partCols {
		cols[i] = rec.Column(c)
	}
	vals := make([]PartitionValue, len(cols))
	for r := 0; r < int(rec.NumRows()); r++ {
		for i, col := range cols {
			vals[i] = PartitionValue{Column: l.partNames[i]}
			if v, ok := partitionValue(col, r); ok {
				vals[i].Value = &v
			}
		}
		dir := partitionDir(vals)
		g, ok := byDir[dir]
		if !ok {
			g = &group{dir: dir, values: append([]PartitionValue(nil), vals...), ordered: true}
			byDir[dir] = g
			order = append(order, g)
		} else if g.rows[len(g.rows)-1] != int32(r-1) {
			g.ordered = false
		}
		g.rows = append(g.rows, int32(r))
	}
	return order
}

// gather returns the rows of one group of data as a record.
func (l *layout) gather(ctx context.Context, data arrow.RecordBatch, g *group, mem memory.Allocator) (arrow.RecordBatch, error) {
	if g.ordered {
		from := int64(g.rows[0])
		return data.NewSlice(from, from+int64(len(g.rows))), nil
	}
	b := array.NewInt32Builder(mem)
	defer b.Release()
	b.AppendValues(g.rows, nil)
	idx := b.NewArray()
	defer idx.Release()
	in := compute.NewDatum(data)
	defer in.Release()
	ix := compute.NewDatum(idx)
	defer ix.Release()
	out, err := compute.Take(compute.WithAllocator(ctx, mem), *compute.DefaultTakeOptions(), in, ix)
	if err != nil {
		return nil, fmt.Errorf("parquet: gather the rows of partition %s: %w", g.dir, err)
	}
	rd, ok := out.(*compute.RecordDatum)
	if !ok {
		out.Release()
		return nil, fmt.Errorf("parquet: gather the rows of partition %s: unexpected result %s", g.dir, out.Kind())
	}
	return rd.Value, nil
}

func releaseParts(parts []part) {
	for _, p := range parts {
		p.rec.Release()
	}
}
