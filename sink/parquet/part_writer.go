package parquet

import (
	"bufio"
	"fmt"
	"os"
	"path"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/spate-io/spate/internal/parquetlog"
)

// partWriter writes the files of one task in one partition folder: it cuts
// incoming rows into position-determined chunks (see chunkRows), feeds them
// to pqarrow, and rolls files by rows and bytes. Files are written to temp
// names in the staging folder; the task's Commit renames them into place.
type partWriter struct {
	cfg    *taskConfig
	dir    string // relative folder, "" for the root
	values []PartitionValue

	pending     []arrow.RecordBatch // rows of the next chunk, retained
	pendingRows int64
	cur         *openFile
	done        []writtenFile
}

// openFile is the file being written.
type openFile struct {
	f         *os.File
	buf       *bufio.Writer
	fw        *pqarrow.FileWriter
	rows      int64
	groupRows int64
	inGroup   bool
}

// writtenFile is a closed file waiting at its temp name.
type writtenFile struct {
	temp  string
	entry parquetlog.FileEntry
}

// fileName is the name of file n (0-based, per partition folder) of a task:
// part-<batch, 5+ digits>-<task, 5 digits>-<n, 3 digits>.parquet. Numbers
// wider than their padding keep all their digits.
func fileName(batch int64, task, n int) string {
	return fmt.Sprintf("part-%05d-%05d-%03d.parquet", batch, task, n)
}

// add takes the rows of rec (of the data schema); the caller keeps its
// reference.
func (pw *partWriter) add(rec arrow.RecordBatch) error {
	n := rec.NumRows()
	for off := int64(0); off < n; {
		want := rowsUntilCut(pw.fileRows(), pw.cfg.limits) - pw.pendingRows
		take := min(want, n-off)
		if off == 0 && take == n {
			rec.Retain()
			pw.pending = append(pw.pending, rec)
		} else {
			pw.pending = append(pw.pending, rec.NewSlice(off, off+take))
		}
		pw.pendingRows += take
		off += take
		if take == want {
			if err := pw.flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

func (pw *partWriter) fileRows() int64 {
	if pw.cur == nil {
		return 0
	}
	return pw.cur.rows
}

// flush writes the pending rows as one chunk.
func (pw *partWriter) flush() error {
	chunk, err := concatRecords(pw.cfg.layout.data, pw.pending, pw.cfg)
	releaseAll(pw.pending)
	clear(pw.pending)
	pw.pending, pw.pendingRows = pw.pending[:0], 0
	if err != nil {
		return err
	}
	defer chunk.Release()
	if pw.cur == nil {
		if err := pw.open(); err != nil {
			return err
		}
	}
	c := pw.cur
	if !c.inGroup || c.groupRows >= pw.cfg.limits.rowGroupRows {
		if err := c.fw.NewBufferedRowGroupChecked(); err != nil {
			return pw.writeErr(err)
		}
		c.inGroup, c.groupRows = true, 0
	}
	if err := c.fw.WriteBuffered(chunk); err != nil {
		return pw.writeErr(err)
	}
	c.rows += chunk.NumRows()
	c.groupRows += chunk.NumRows()
	if rollAfter(c.rows, c.fw.TotalCompressedBytes(), pw.cfg.limits) {
		return pw.closeFile()
	}
	return nil
}

func (pw *partWriter) open() error {
	pattern := fmt.Sprintf("task-%05d-a%d-*.parquet.tmp", pw.cfg.task.TaskID, pw.cfg.task.Attempt)
	f, err := os.CreateTemp(pw.cfg.staging, pattern)
	if err != nil {
		return fmt.Errorf("parquet: cannot create a file in %s: %w (check that the output folder is writable)", pw.cfg.staging, err)
	}
	buf := bufio.NewWriterSize(f, 1<<20)
	fw, err := pqarrow.NewFileWriter(pw.cfg.layout.data, buf, pw.cfg.props, pw.cfg.arrowProps)
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return fmt.Errorf("parquet: start file %s: %w", f.Name(), err)
	}
	pw.cur = &openFile{f: f, buf: buf, fw: fw}
	return nil
}

// closeFile finishes the open file: footer, flush, fsync.
func (pw *partWriter) closeFile() error {
	c := pw.cur
	pw.cur = nil
	name := c.f.Name()
	err := c.fw.Close()
	if err == nil {
		err = c.buf.Flush()
	}
	if err == nil {
		err = c.f.Sync()
	}
	var size int64
	if err == nil {
		var st os.FileInfo
		if st, err = c.f.Stat(); err == nil {
			size = st.Size()
		}
	}
	if cerr := c.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name)
		return fmt.Errorf("parquet: finish file %s: %w", name, err)
	}
	rel := path.Join(pw.dir, fileName(pw.cfg.task.BatchID, pw.cfg.task.TaskID, len(pw.done)))
	pw.done = append(pw.done, writtenFile{temp: name, entry: parquetlog.FileEntry{
		Path: rel, Rows: c.rows, Bytes: size, Partition: pw.values,
	}})
	return nil
}

func (pw *partWriter) writeErr(err error) error {
	return fmt.Errorf("parquet: write %s: %w", pw.cur.f.Name(), err)
}

// finish writes what is pending and closes the open file.
func (pw *partWriter) finish() error {
	if pw.pendingRows > 0 {
		if err := pw.flush(); err != nil {
			return err
		}
	}
	if pw.cur != nil {
		return pw.closeFile()
	}
	return nil
}

// abort releases everything and removes the temp files, best effort.
func (pw *partWriter) abort() {
	releaseAll(pw.pending)
	pw.pending, pw.pendingRows = nil, 0
	if c := pw.cur; c != nil {
		pw.cur = nil
		c.fw.Close() // releases the buffered row group; the bytes go to a file removed below
		c.f.Close()
		os.Remove(c.f.Name())
	}
	for _, w := range pw.done {
		os.Remove(w.temp)
	}
	pw.done = nil
}

// concatRecords joins records of one schema into one; a single record is
// passed through with its reference.
func concatRecords(schema *arrow.Schema, recs []arrow.RecordBatch, cfg *taskConfig) (arrow.RecordBatch, error) {
	if len(recs) == 1 {
		recs[0].Retain()
		return recs[0], nil
	}
	cols := make([]arrow.Array, schema.NumFields())
	defer releaseAll(cols)
	var rows int64
	for _, r := range recs {
		rows += r.NumRows()
	}
	parts := make([]arrow.Array, len(recs))
	for c := range cols {
		for i, r := range recs {
			parts[i] = r.Column(c)
		}
		arr, err := array.Concatenate(parts, cfg.mem)
		if err != nil {
			return nil, fmt.Errorf("parquet: join rows of column %s: %w", schema.Field(c).Name, err)
		}
		cols[c] = arr
	}
	return array.NewRecordBatch(schema, cols, rows), nil
}

func releaseAll[T interface{ Release() }](xs []T) {
	for _, x := range xs {
		if any(x) != nil {
			x.Release()
		}
	}
}
