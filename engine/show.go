package engine

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/spate-io/spate/engine/internal/kernels"
)

// FormatValue renders row i of a column as Spark's show() does: null as
// "null", floats as Java prints them, timestamps as "2024-05-17
// 13:45:12.345" (UTC), binary as "[68 69]", lists as "[a, b]", structs as
// "{1, a}" and maps as "{k -> v}".
func FormatValue(a arrow.Array, i int) string {
	return string(appendValueText(nil, a, i))
}

func appendValueText(dst []byte, a arrow.Array, i int) []byte {
	if a.IsNull(i) {
		return append(dst, "null"...)
	}
	switch x := a.(type) {
	case *array.String:
		return append(dst, x.Value(i)...)
	case *array.LargeString:
		return append(dst, x.Value(i)...)
	case *array.Binary:
		return appendBytes(dst, x.Value(i))
	case *array.LargeBinary:
		return appendBytes(dst, x.Value(i))
	case *array.Float64:
		return kernels.AppendJavaDouble(dst, x.Value(i))
	case *array.Float32:
		return kernels.AppendJavaFloat(dst, x.Value(i))
	case *array.Timestamp:
		us := kernels.ToMicros(int64(x.Value(i)), x.DataType().(*arrow.TimestampType).Unit.Multiplier())
		return kernels.FormatTimestamp(dst, us)
	case *array.Date32:
		return kernels.FormatDate(dst, int64(x.Value(i)))
	case *array.Map:
		return appendMap(dst, x, i)
	case array.ListLike:
		return appendList(dst, x, i)
	case *array.Struct:
		dst = append(dst, '{')
		for k := 0; k < x.NumField(); k++ {
			if k > 0 {
				dst = append(dst, ", "...)
			}
			dst = appendValueText(dst, x.Field(k), i)
		}
		return append(dst, '}')
	}
	return append(dst, a.ValueStr(i)...)
}

func appendBytes(dst, b []byte) []byte {
	dst = append(dst, '[')
	for k, c := range b {
		if k > 0 {
			dst = append(dst, ' ')
		}
		dst = fmt.Appendf(dst, "%02X", c)
	}
	return append(dst, ']')
}

func appendList(dst []byte, l array.ListLike, i int) []byte {
	start, end := l.ValueOffsets(i)
	dst = append(dst, '[')
	for j := start; j < end; j++ {
		if j > start {
			dst = append(dst, ", "...)
		}
		dst = appendValueText(dst, l.ListValues(), int(j))
	}
	return append(dst, ']')
}

func appendMap(dst []byte, m *array.Map, i int) []byte {
	start, end := m.ValueOffsets(i)
	dst = append(dst, '{')
	for j := start; j < end; j++ {
		if j > start {
			dst = append(dst, ", "...)
		}
		dst = appendValueText(dst, m.Keys(), int(j))
		dst = append(dst, " -> "...)
		dst = appendValueText(dst, m.Items(), int(j))
	}
	return append(dst, '}')
}

// ShowOptions shape ShowString's table.
type ShowOptions struct {
	// NumRows is how many rows to show. The default 0 means 20.
	NumRows int
	// Truncate cuts cells longer than this many characters to Truncate-3
	// plus "...". The default 0 means 20, Spark's; negative means never.
	Truncate int
}

// ShowString renders the first rows of recs as Spark's show() prints a
// DataFrame: a boxed table, cells right-aligned, and "only showing top N
// rows" when there are more. total is the number of rows in all (it may
// exceed what recs hold); pass -1 to count recs.
func ShowString(schema *arrow.Schema, recs []arrow.RecordBatch, total int64, opts ShowOptions) string {
	if opts.NumRows <= 0 {
		opts.NumRows = 20
	}
	if opts.Truncate == 0 {
		opts.Truncate = 20
	}
	header := make([]string, schema.NumFields())
	for i, f := range schema.Fields() {
		header[i] = f.Name
	}
	rows := [][]string{header}
	var n int64
	for _, r := range recs {
		n += r.NumRows()
		for i := 0; i < int(r.NumRows()) && len(rows) <= opts.NumRows; i++ {
			row := make([]string, r.NumCols())
			for c := range row {
				row[c] = truncateCell(FormatValue(r.Column(c), i), opts.Truncate)
			}
			rows = append(rows, row)
		}
	}
	if total < 0 {
		total = n
	}
	return table(rows, total, opts.NumRows)
}

func truncateCell(s string, width int) string {
	if width < 0 || utf8.RuneCountInString(s) <= width {
		return s
	}
	if width < 4 {
		return string([]rune(s)[:width])
	}
	return string([]rune(s)[:width-3]) + "..."
}

// table draws rows (the first is the header).
func table(rows [][]string, total int64, shown int) string {
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for c, cell := range r {
			widths[c] = max(widths[c], 3, utf8.RuneCountInString(cell))
		}
	}
	var b strings.Builder
	sep := "+"
	for _, w := range widths {
		sep += strings.Repeat("-", w) + "+"
	}
	line := func(r []string) {
		b.WriteString("|")
		for c, cell := range r {
			b.WriteString(strings.Repeat(" ", widths[c]-utf8.RuneCountInString(cell)) + cell + "|")
		}
		b.WriteString("\n")
	}
	b.WriteString(sep + "\n")
	line(rows[0])
	b.WriteString(sep + "\n")
	for _, r := range rows[1:] {
		line(r)
	}
	b.WriteString(sep + "\n")
	if total > int64(shown) {
		fmt.Fprintf(&b, "only showing top %d rows\n", shown)
	}
	return b.String()
}

// Show collects a static DataFrame and renders its first rows as Spark's
// df.show() does.
func (df DataFrame) Show(ctx context.Context, opts ShowOptions) (string, error) {
	tbl, err := df.Collect(ctx)
	if err != nil {
		return "", err
	}
	defer tbl.Release()
	tr := array.NewTableReader(tbl, 0)
	defer tr.Release()
	var recs []arrow.RecordBatch
	for tr.Next() {
		r := tr.RecordBatch()
		r.Retain()
		recs = append(recs, r)
	}
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	return ShowString(df.schema, recs, tbl.NumRows(), opts), nil
}
