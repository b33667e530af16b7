package parquet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/spate-io/spate/internal/parquetlog"
)

// CommitBatch makes batch batchID's files part of the output: it writes
// _spate_log/<batchID>.json (atomically), removes files that an earlier
// attempt of the batch wrote and this one did not, clears the batch's
// staging folder and, every ManifestCompactInterval batches, compacts the
// log. It is idempotent: committing a batch again with the same messages
// changes nothing; a replay of the latest batch with different files
// replaces its entry.
func (s *FileSink) CommitBatch(ctx context.Context, batchID int64, commits []json.RawMessage) error {
	if err := s.Validate(); err != nil {
		return err
	}
	if batchID < 0 {
		return fmt.Errorf("parquet: batch id %d is negative", batchID)
	}
	batch, schema, err := s.gatherCommits(batchID, commits)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	root := s.opts.Path
	if err := os.MkdirAll(parquetlog.Dir(root), 0o755); err != nil {
		return unwritable(root, err)
	}
	m, err := s.batchManifest(batch, schema)
	if errors.Is(err, errMismatch) {
		// The tasks already renamed their files into place; files of another
		// schema must not stay among the committed ones.
		removeFiles(root, batch.Files)
	}
	if err != nil {
		return err
	}
	rewrote, replaced, err := s.writeManifest(m)
	if err != nil {
		return err
	}
	keep := make(map[string]bool, len(batch.Files))
	for _, f := range batch.Files {
		keep[f.Path] = true
	}
	if err := removeFiles(root, notIn(replaced, keep)); err != nil {
		return err
	}
	if err := removeStale(root, batchID, keep); err != nil {
		return err
	}
	if err := sweepStaging(root, batchID); err != nil {
		return err
	}
	if (batchID+1)%s.opts.compactInterval() == 0 {
		return s.compact(batchID, rewrote)
	}
	return nil
}

// gatherCommits checks the tasks' messages and joins their files into the
// batch's log entry, in task order.
func (s *FileSink) gatherCommits(batchID int64, commits []json.RawMessage) (parquetlog.Batch, *arrow.Schema, error) {
	b := parquetlog.Batch{ID: batchID, CommittedAtMs: s.clock().UnixMilli(), Files: []parquetlog.FileEntry{}}
	var schema *arrow.Schema
	seenTask := make(map[int]bool)
	seenPath := make(map[string]bool)
	for _, raw := range commits {
		c, sc, err := decodeTaskCommit(raw, batchID, s.opts.PartitionBy)
		if err != nil {
			return b, nil, err
		}
		if seenTask[c.TaskID] {
			return b, nil, fmt.Errorf("parquet: batch %d: task %d committed twice; pass one message per task", batchID, c.TaskID)
		}
		seenTask[c.TaskID] = true
		if schema == nil {
			schema = sc
		} else if err := schemaDiff(schema, sc); err != nil {
			return b, nil, fmt.Errorf("%w (task %d of batch %d differs from the others)", err, c.TaskID, batchID)
		}
		for _, f := range c.Files {
			if seenPath[f.Path] {
				return b, nil, fmt.Errorf("parquet: batch %d: file %s is committed by two tasks", batchID, f.Path)
			}
			seenPath[f.Path] = true
			b.Files = append(b.Files, f)
		}
	}
	return b, schema, nil
}

// batchManifest builds the batch's manifest after checking it against the
// log: the schema and partitioning must match what is committed, and the
// batch must follow the latest one (or replay it).
func (s *FileSink) batchManifest(b parquetlog.Batch, schema *arrow.Schema) (*parquetlog.Manifest, error) {
	root := s.opts.Path
	prev, prevSchema, err := latestManifest(root)
	if err != nil {
		return nil, err
	}
	m := &parquetlog.Manifest{Version: parquetlog.Version, PartitionBy: s.opts.PartitionBy, Batches: []parquetlog.Batch{b}}
	if prev != nil && !slices.Equal(prev.PartitionBy, s.opts.PartitionBy) {
		return nil, mismatch(fmt.Errorf("parquet: %s is partitioned by [%s], the query by [%s]; write to a new path to change the partitioning", root, strings.Join(prev.PartitionBy, ", "), strings.Join(s.opts.PartitionBy, ", ")))
	}
	switch {
	case schema != nil && prevSchema != nil:
		if err := schemaDiff(prevSchema, schema); err != nil {
			return nil, mismatch(fmt.Errorf("%w (batch %d against the files committed under %s; write to a new path to change the schema)", err, b.ID, root))
		}
		m.Schema = prev.Schema
	case schema != nil:
		if m.Schema, err = parquetlog.EncodeSchema(schema); err != nil {
			return nil, fmt.Errorf("parquet: %w", err)
		}
	case prev != nil:
		m.Schema = prev.Schema
	}
	return m, nil
}

// errMismatch marks a batch whose schema or partitioning differs from the
// committed output.
var errMismatch = errors.New("parquet: output does not match the committed output")

type mismatchError struct{ err error }

func (e mismatchError) Error() string   { return e.err.Error() }
func (e mismatchError) Unwrap() []error { return []error{e.err, errMismatch} }
func mismatch(err error) error          { return mismatchError{err} }

// writeManifest writes N.json unless the same entry is there already. It
// reports whether it wrote, and the files of the entry it replaced.
func (s *FileSink) writeManifest(m *parquetlog.Manifest) (wrote bool, replaced []parquetlog.FileEntry, err error) {
	root, b := s.opts.Path, m.Batches[0]
	ls, err := listLog(root)
	if err != nil {
		return false, nil, err
	}
	removeLogTemps(root, ls)
	replay, err := checkOrder(ls, b.ID)
	if err != nil {
		return false, nil, fmt.Errorf("%w in %s", err, parquetlog.Dir(root))
	}
	if replay {
		old, _, err := readManifest(root, b.ID, false)
		if err != nil {
			return false, nil, err
		}
		if sameFiles(old.Batches[0].Files, b.Files) {
			return false, nil, nil
		}
		if b.ID != ls.Latest() {
			return false, nil, fmt.Errorf("parquet: batch %d is committed under %s with other files and later batches exist (up to %d); is another query writing to this path?", b.ID, root, ls.Latest())
		}
		replaced = old.Batches[0].Files
	}
	data, err := json.Marshal(m)
	if err != nil {
		return false, nil, fmt.Errorf("parquet: encode manifest of batch %d: %w", b.ID, err)
	}
	if err := writeAtomic(parquetlog.Path(root, b.ID, false), data); err != nil {
		return false, nil, unwritable(root, err)
	}
	return true, replaced, nil
}

// notIn is the entries whose path is not kept.
func notIn(files []parquetlog.FileEntry, keep map[string]bool) []parquetlog.FileEntry {
	var out []parquetlog.FileEntry
	for _, f := range files {
		if !keep[f.Path] {
			out = append(out, f)
		}
	}
	return out
}

// checkOrder says whether batch n replays a committed batch, and refuses a
// batch that would leave a gap or that is too old to compare.
func checkOrder(ls parquetlog.Listing, n int64) (replay bool, err error) {
	latest := ls.Latest()
	switch {
	case latest < 0 || n == latest+1:
		return false, nil
	case n > latest+1:
		return false, fmt.Errorf("parquet: batch %d would follow batch %d; batches %d to %d were never committed (is the checkpoint from another query?)", n, latest, latest+1, n-1)
	}
	if !ls.HasDelta(n) {
		return false, fmt.Errorf("parquet: batch %d is older than the log's latest batch %d and its manifest is gone; it cannot be committed again", n, latest)
	}
	return true, nil
}

func sameFiles(a, b []parquetlog.FileEntry) bool {
	return slices.EqualFunc(a, b, func(x, y parquetlog.FileEntry) bool {
		return x.Path == y.Path && x.Rows == y.Rows && x.Bytes == y.Bytes &&
			slices.EqualFunc(x.Partition, y.Partition, func(p, q PartitionValue) bool {
				return p.Column == q.Column && (p.Value == nil) == (q.Value == nil) && (p.Value == nil || *p.Value == *q.Value)
			})
	})
}

// removeStale deletes the files that earlier attempts of the batch renamed
// into place (as their intent records say) and that the committed attempt
// does not list. A record that does not parse was cut short by a crash,
// before its attempt renamed anything, so it is skipped.
func removeStale(root string, batch int64, keep map[string]bool) error {
	dir := stagingDir(root, batch)
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("parquet: list %s: %w", dir, err)
	}
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), intentSuffix) {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return fmt.Errorf("parquet: read %s: %w", filepath.Join(dir, e.Name()), err)
		}
		var rec taskCommit
		if parquetlog.DecodeStrict(data, &rec) != nil || rec.BatchID != batch {
			continue
		}
		var ours []parquetlog.FileEntry
		for _, f := range rec.Files {
			if validateEntry(f, batch, rec.TaskID, rec.PartitionBy) == nil {
				ours = append(ours, f)
			}
		}
		if err := removeFiles(root, notIn(ours, keep)); err != nil {
			return err
		}
	}
	return nil
}

// removeFiles deletes files by their entries; missing files are fine.
func removeFiles(root string, files []parquetlog.FileEntry) error {
	for _, f := range files {
		p := filepath.Join(root, filepath.FromSlash(f.Path))
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("parquet: remove stale file %s: %w", p, err)
		}
	}
	return nil
}

// sweepStaging removes the staging folders of batches up to batch: every
// task of them has finished or lost (a straggler that renames later writes
// the same bytes under the same name). Later batches are left alone.
func sweepStaging(root string, batch int64) error {
	dir := filepath.Join(root, stagingDirName)
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("parquet: list %s: %w", dir, err)
	}
	for _, e := range ents {
		n, err := strconv.ParseInt(e.Name(), 10, 64)
		if err != nil || n > batch {
			continue
		}
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return fmt.Errorf("parquet: remove staging folder %s: %w", filepath.Join(dir, e.Name()), err)
		}
	}
	return nil
}

// removeLogTemps deletes temp files a crash left in _spate_log; the log has
// one writer, so none is in use.
func removeLogTemps(root string, ls parquetlog.Listing) {
	for _, name := range ls.Temps {
		os.Remove(filepath.Join(parquetlog.Dir(root), name))
	}
}
