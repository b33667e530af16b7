package parquet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/internal/fsutil"
	"github.com/spate-io/spate/internal/parquetlog"
)

// taskConfig is what every file of one task shares.
type taskConfig struct {
	root       string
	staging    string // <root>/_spate_tmp/<batch>
	task       engine.TaskInfo
	layout     *layout
	schemaJSON *parquetlog.Schema // the task's input schema, for the commit message
	partBy     []string
	props      *parquet.WriterProperties
	arrowProps pqarrow.ArrowWriterProperties
	limits     limits
	mem        memory.Allocator
}

// taskWriter is the engine.TaskWriter of the sink. It is used by one
// goroutine; tasks run concurrently with writers of their own.
type taskWriter struct {
	cfg   *taskConfig
	parts map[string]*partWriter
	err   error // sticky: after a failure only Abort is useful
	ended bool
}

// NewTaskWriter starts the output of one task: it checks the schema
// against the sink's options and the schema already committed, and makes
// the staging folder, so an unwritable output fails before any row is read.
func (s *FileSink) NewTaskWriter(ctx context.Context, task engine.TaskInfo, schema *arrow.Schema) (engine.TaskWriter, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if task.BatchID < 0 || task.TaskID < 0 {
		return nil, fmt.Errorf("parquet: batch %d task %d: ids must not be negative", task.BatchID, task.TaskID)
	}
	lay, err := newLayout(&s.opts, schema)
	if err != nil {
		return nil, err
	}
	staging := stagingDir(s.opts.Path, task.BatchID)
	if err := os.MkdirAll(staging, 0o755); err != nil {
		return nil, unwritable(s.opts.Path, err)
	}
	if err := checkCommittedSchema(s.opts.Path, schema, s.opts.PartitionBy); err != nil {
		return nil, err
	}
	sj, err := parquetlog.EncodeSchema(schema)
	if err != nil {
		return nil, fmt.Errorf("parquet: %w", err)
	}
	cfg := &taskConfig{
		root: s.opts.Path, staging: staging, task: task, layout: lay, schemaJSON: sj,
		partBy: s.opts.PartitionBy, mem: s.allocator(),
		limits: limits{rowGroupRows: s.opts.rowGroupRows(), maxFileRows: s.opts.MaxFileRows, maxFileBytes: s.opts.MaxFileBytes},
	}
	cfg.props, cfg.arrowProps = writerProps(&s.opts, cfg.mem)
	return &taskWriter{cfg: cfg, parts: make(map[string]*partWriter)}, nil
}

// writerProps are the parquet settings that paid off in DECISIONS.md:
// dictionary only where asked, the Arrow schema stored. Nothing in them
// varies between runs (created_by is a constant), so files are
// reproducible byte for byte.
func writerProps(o *Options, mem memory.Allocator) (*parquet.WriterProperties, pqarrow.ArrowWriterProperties) {
	opts := []parquet.WriterProperty{
		parquet.WithAllocator(mem),
		parquet.WithCompression(o.codec()),
		parquet.WithMaxRowGroupLength(o.rowGroupRows()),
		parquet.WithDictionaryDefault(false),
	}
	for _, c := range o.Dictionary {
		opts = append(opts, parquet.WithDictionaryFor(c, true))
	}
	if o.MaxFileBytes > 0 {
		opts = append(opts, parquet.WithDataPageSize(dataPageSize(o.MaxFileBytes)))
	}
	aopts := []pqarrow.WriterOption{pqarrow.WithAllocator(mem)}
	if !o.OmitArrowSchema {
		aopts = append(aopts, pqarrow.WithStoreSchema())
	}
	return parquet.NewWriterProperties(opts...), pqarrow.NewArrowWriterProperties(aopts...)
}

// dataPageSize shrinks data pages for small MaxFileBytes: the size check
// sees a column's bytes when the encoder finishes a page, so pages of at
// most 1/64 of the limit keep the check close to the file's real size.
// From 64 MiB up it is Parquet's default, 1 MiB.
func dataPageSize(maxFileBytes int64) int64 {
	return min(max(maxFileBytes/64, 16<<10), 1<<20)
}

// Write sends each row of rec to its partition folder's file.
func (w *taskWriter) Write(ctx context.Context, rec arrow.RecordBatch) error {
	if err := w.usable(ctx); err != nil {
		return err
	}
	if err := schemaDiff(w.cfg.layout.input, rec.Schema()); err != nil {
		return fmt.Errorf("%w (the record does not match the schema the task writer was opened with)", err)
	}
	if err := checkNotNull(w.cfg.layout.input, rec); err != nil {
		return err
	}
	if rec.NumRows() == 0 {
		return nil
	}
	parts, err := w.cfg.layout.split(ctx, rec, w.cfg.mem)
	if err != nil {
		w.err = err
		return err
	}
	defer releaseParts(parts)
	for _, p := range parts {
		pw := w.part(p)
		if err := pw.add(p.rec); err != nil {
			w.err = err
			return err
		}
	}
	return nil
}

// checkNotNull refuses nulls in columns the schema declares not null:
// Parquet would store them as required columns and lose the nulls.
func checkNotNull(schema *arrow.Schema, rec arrow.RecordBatch) error {
	for i, f := range schema.Fields() {
		if n := rec.Column(i).NullN(); !f.Nullable && n > 0 {
			return fmt.Errorf("parquet: column %s is declared not null but a record holds %d nulls in it", f.Name, n)
		}
	}
	return nil
}

func (w *taskWriter) usable(ctx context.Context) error {
	if w.ended {
		return errors.New("parquet: the task writer is already committed or aborted")
	}
	if w.err != nil {
		return w.err
	}
	return ctx.Err()
}

func (w *taskWriter) part(p part) *partWriter {
	pw, ok := w.parts[p.dir]
	if !ok {
		pw = &partWriter{cfg: w.cfg, dir: p.dir, values: p.values}
		w.parts[p.dir] = pw
	}
	return pw
}

// Commit finishes every file, records the task's intent in the staging
// folder, renames the files into place and returns the commit message.
func (w *taskWriter) Commit(ctx context.Context) (json.RawMessage, error) {
	if err := w.usable(ctx); err != nil {
		return nil, err
	}
	files, err := w.finish()
	if err != nil {
		w.err = err
		return nil, err
	}
	msg := taskCommit{
		Version: parquetlog.Version, BatchID: w.cfg.task.BatchID, TaskID: w.cfg.task.TaskID,
		Schema: w.cfg.schemaJSON, PartitionBy: w.cfg.partBy, Files: entries(files),
	}
	raw, err := json.Marshal(msg)
	if err != nil {
		w.err = fmt.Errorf("parquet: encode commit message: %w", err)
		return nil, w.err
	}
	if err := w.publish(raw, files); err != nil {
		w.err = err
		return nil, err
	}
	w.ended = true
	return raw, nil
}

// finish closes every partition's files and returns them ordered by path.
func (w *taskWriter) finish() ([]writtenFile, error) {
	var files []writtenFile
	for _, pw := range w.parts {
		if err := pw.finish(); err != nil {
			return nil, err
		}
		files = append(files, pw.done...)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].entry.Path < files[j].entry.Path })
	return files, nil
}

// publish writes the intent record, then renames the files into place and
// syncs their folders. The record lets CommitBatch find files of this
// attempt that a later attempt of the batch does not produce.
func (w *taskWriter) publish(msg []byte, files []writtenFile) error {
	if len(files) == 0 {
		return nil
	}
	pattern := fmt.Sprintf("task-%05d-a%d-*%s", w.cfg.task.TaskID, w.cfg.task.Attempt, intentSuffix)
	if _, err := fsutil.WriteTemp(w.cfg.staging, pattern, 0o600, msg); err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	dirs := newDirMaker(w.cfg.root)
	for _, f := range files {
		final := filepath.Join(w.cfg.root, filepath.FromSlash(f.entry.Path))
		if err := dirs.make(filepath.Dir(final)); err != nil {
			return err
		}
		if err := os.Rename(f.temp, final); err != nil {
			return fmt.Errorf("parquet: move %s into place: %w", final, err)
		}
	}
	for _, f := range files {
		dirs.touched(filepath.Dir(filepath.Join(w.cfg.root, filepath.FromSlash(f.entry.Path))))
	}
	return dirs.syncTouched()
}

// Abort removes the task's temp files and releases its memory.
func (w *taskWriter) Abort(ctx context.Context) error {
	if w.ended {
		return nil
	}
	w.ended = true
	for _, pw := range w.parts {
		pw.abort()
	}
	return nil
}

func entries(files []writtenFile) []parquetlog.FileEntry {
	out := make([]parquetlog.FileEntry, len(files))
	for i, f := range files {
		out[i] = f.entry
	}
	return out
}
