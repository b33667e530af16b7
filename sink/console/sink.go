package console

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spate-io/spate/engine"
)

// Kind is the sink's kind in plans.
const Kind = "console"

func init() {
	engine.RegisterSink(Kind, func(raw json.RawMessage) (engine.Sink, error) {
		var o Options
		if err := json.Unmarshal(raw, &o); err != nil {
			return nil, fmt.Errorf("console: bad options %s: %v", raw, err)
		}
		return New(o), nil
	})
	engine.DescribeSink(Kind, engine.ConnectorSpec{
		Summary: "every committed batch printed as a table (Spark's console sink).",
		Options: []engine.OptionSpec{
			{Name: "numRows", Type: "int", Default: "20", Doc: "rows shown per batch"},
			{Name: "truncate", Type: "int", Default: "20", Doc: "cells cut to this many characters; negative: never"},
		},
	})
}

// Options are Spark's console sink options.
type Options struct {
	// NumRows is how many rows each batch shows. The default 0 means 20.
	NumRows int `json:"numRows,omitempty"`
	// Truncate cuts cells to this many characters. The default 0 means 20;
	// a negative value never truncates.
	Truncate int `json:"truncate,omitempty"`
}

// Sink prints batches.
type Sink struct {
	opts Options
	mu   sync.Mutex
	out  io.Writer
}

// New makes a sink printing to standard output.
func New(o Options) *Sink {
	if o.NumRows <= 0 {
		o.NumRows = 20
	}
	return &Sink{opts: o, out: os.Stdout}
}

// WithOutput makes the sink print to w instead.
func (s *Sink) WithOutput(w io.Writer) *Sink {
	s.out = w
	return s
}

// Kind implements engine.Sink.
func (s *Sink) Kind() string { return Kind }

// Ephemeral is true: batches are printed, nothing outlives the process, so a
// query may run without a checkpoint location (engine.EphemeralSink).
func (s *Sink) Ephemeral() bool { return true }

// Options implements engine.Sink.
func (s *Sink) Options() any { return s.opts }

// commitMessage is a task's part of the table.
type commitMessage struct {
	Header []string   `json:"header"`
	Rows   [][]string `json:"rows"`
	Total  int64      `json:"total"`
}

// NewTaskWriter implements engine.StreamSink.
func (s *Sink) NewTaskWriter(_ context.Context, _ engine.TaskInfo, schema *arrow.Schema) (engine.TaskWriter, error) {
	header := make([]string, schema.NumFields())
	for i, f := range schema.Fields() {
		header[i] = f.Name
	}
	return &taskWriter{limit: s.opts.NumRows, msg: commitMessage{Header: header}}, nil
}

type taskWriter struct {
	limit int
	msg   commitMessage
}

// Write renders the rows still needed and counts the rest.
func (w *taskWriter) Write(_ context.Context, rec arrow.RecordBatch) error {
	for i := 0; i < int(rec.NumRows()) && len(w.msg.Rows) < w.limit; i++ {
		row := make([]string, rec.NumCols())
		for c := range row {
			row[c] = engine.FormatValue(rec.Column(c), i)
		}
		w.msg.Rows = append(w.msg.Rows, row)
	}
	w.msg.Total += rec.NumRows()
	return nil
}

func (w *taskWriter) Commit(context.Context) (json.RawMessage, error) { return json.Marshal(w.msg) }
func (w *taskWriter) Abort(context.Context) error                     { return nil }

// CommitBatch implements engine.StreamSink: it prints the batch.
func (s *Sink) CommitBatch(_ context.Context, batchID int64, commits []json.RawMessage) error {
	var header []string
	var rows [][]string
	var total int64
	for i, raw := range commits {
		var m commitMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			return fmt.Errorf("console: batch %d task %d: bad commit message: %v", batchID, i, err)
		}
		if header == nil {
			header = m.Header
		}
		rows = append(rows, m.Rows...)
		total += m.Total
	}
	text := render(batchID, header, rows, total, s.opts)
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := io.WriteString(s.out, text)
	return err
}

// render builds the batch's banner and table through engine.ShowString,
// from rendered cells held in a one-column-per-field string record.
func render(batchID int64, header []string, rows [][]string, total int64, o Options) string {
	var b strings.Builder
	b.WriteString("-------------------------------------------\n")
	fmt.Fprintf(&b, "Batch: %d\n", batchID)
	b.WriteString("-------------------------------------------\n")
	if len(header) == 0 {
		b.WriteString("++\n||\n++\n++\n\n")
		return b.String()
	}
	fields := make([]arrow.Field, len(header))
	for i, h := range header {
		fields[i] = arrow.Field{Name: h, Type: arrow.BinaryTypes.String, Nullable: true}
	}
	schema := arrow.NewSchema(fields, nil)
	rb := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer rb.Release()
	for _, r := range rows[:min(len(rows), o.NumRows)] {
		for c, cell := range r {
			if c < len(fields) {
				rb.Field(c).(*array.StringBuilder).Append(cell)
			}
		}
	}
	rec := rb.NewRecordBatch()
	defer rec.Release()
	b.WriteString(engine.ShowString(schema, []arrow.RecordBatch{rec}, total, engine.ShowOptions{NumRows: o.NumRows, Truncate: o.Truncate}))
	b.WriteString("\n")
	return b.String()
}
