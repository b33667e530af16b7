package parquet

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/spate-io/spate/internal/parquetlog"
)

// compact writes N.compact, every live batch up to N (Spark's
// FileStreamSinkLog compaction), then deletes the log files older than the
// previous compaction: readers that listed the log before N.compact
// existed still find the previous compaction and the batches after it.
func (s *FileSink) compact(n int64, rewrote bool) error {
	root := s.opts.Path
	ls, err := listLog(root)
	if err != nil {
		return err
	}
	if rewrote || !hasCompact(ls, n) {
		m, err := s.compactManifest(ls, n)
		if err != nil {
			return err
		}
		data, err := json.Marshal(m)
		if err != nil {
			return fmt.Errorf("parquet: encode compaction of batch %d: %w", n, err)
		}
		if err := writeAtomic(parquetlog.Path(root, n, true), data); err != nil {
			return unwritable(root, err)
		}
	}
	for _, f := range obsoleteLogFiles(ls, n) {
		p := parquetlog.Path(root, f.n, f.compact)
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("parquet: remove old log file %s: %w", p, err)
		}
	}
	return nil
}

// compactManifest gathers the batches up to n from the previous compaction
// and the batch manifests after it, and applies the retention.
func (s *FileSink) compactManifest(ls parquetlog.Listing, n int64) (*parquetlog.Manifest, error) {
	root := s.opts.Path
	prev := previousCompact(ls, n)
	var batches []parquetlog.Batch
	if prev >= 0 {
		m, _, err := readManifest(root, prev, true)
		if err != nil {
			return nil, err
		}
		batches = m.Batches
	}
	var last *parquetlog.Manifest
	for id := prev + 1; id <= n; id++ {
		m, _, err := readManifest(root, id, false)
		if errors.Is(err, parquetlog.ErrVanished) && prev < 0 {
			continue // a log that starts after batch 0 has no earlier manifests
		}
		if err != nil {
			return nil, err
		}
		batches, last = append(batches, m.Batches...), m
	}
	if last == nil {
		return nil, fmt.Errorf("parquet: cannot compact %s: the manifest of batch %d is missing", parquetlog.Dir(root), n)
	}
	kept := retain(batches, n, s.opts.Retention, s.clock().UnixMilli())
	return &parquetlog.Manifest{Version: parquetlog.Version, Compact: true, PartitionBy: last.PartitionBy, Schema: last.Schema, Batches: kept}, nil
}

func hasCompact(ls parquetlog.Listing, n int64) bool {
	for _, c := range ls.Compacts {
		if c == n {
			return true
		}
	}
	return false
}

// previousCompact is the latest compaction before batch n, -1 when none.
func previousCompact(ls parquetlog.Listing, n int64) int64 {
	prev := int64(-1)
	for _, c := range ls.Compacts {
		if c < n {
			prev = c
		}
	}
	return prev
}

// retain keeps the batches the retention allows, always batch n itself,
// and drops batches without files (the compaction only lists files).
func retain(batches []parquetlog.Batch, n int64, r Retention, nowMs int64) []parquetlog.Batch {
	var kept []parquetlog.Batch
	for _, b := range batches {
		live := len(b.Files) > 0 &&
			(r.Batches == 0 || b.ID > n-r.Batches) &&
			(r.Age == 0 || b.CommittedAtMs >= nowMs-time.Duration(r.Age).Milliseconds())
		if live || b.ID == n {
			kept = append(kept, b)
		}
	}
	return kept
}

// logFile names one manifest.
type logFile struct {
	n       int64
	compact bool
}

func (f logFile) String() string { return parquetlog.FileName(f.n, f.compact) }

// obsoleteLogFiles are the manifests older than the compaction before n;
// the log keeps that compaction and everything after it, at most about two
// compaction intervals of files.
func obsoleteLogFiles(ls parquetlog.Listing, n int64) []logFile {
	prev := previousCompact(ls, n)
	var out []logFile
	for _, d := range ls.Deltas {
		if d < prev {
			out = append(out, logFile{n: d})
		}
	}
	for _, c := range ls.Compacts {
		if c < prev {
			out = append(out, logFile{n: c, compact: true})
		}
	}
	return out
}
