package parquet

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spate-io/spate/internal/parquetlog"
)

func seq(from, to int64) []int64 {
	var out []int64
	for n := from; n <= to; n++ {
		out = append(out, n)
	}
	return out
}

func TestObsoleteLogFiles(t *testing.T) {
	for _, tc := range []struct {
		ls   parquetlog.Listing
		n    int64
		want string
	}{
		{parquetlog.Listing{Deltas: seq(0, 9)}, 9, "[]"},
		{parquetlog.Listing{Deltas: seq(0, 19), Compacts: []int64{9}}, 19, "[0.json 1.json 2.json 3.json 4.json 5.json 6.json 7.json 8.json]"},
		{parquetlog.Listing{Deltas: seq(9, 29), Compacts: []int64{9, 19}}, 29, "[9.json 10.json 11.json 12.json 13.json 14.json 15.json 16.json 17.json 18.json 9.compact]"},
		{parquetlog.Listing{Deltas: seq(19, 29), Compacts: []int64{19, 29}}, 29, "[]"}, // a compaction run again
	} {
		if got := fmt.Sprint(obsoleteLogFiles(tc.ls, tc.n)); got != tc.want {
			t.Errorf("obsoleteLogFiles(%v, %d) = %s, want %s", tc.ls, tc.n, got, tc.want)
		}
	}
}

func TestRetain(t *testing.T) {
	f := []parquetlog.FileEntry{{Path: "x"}}
	var batches []parquetlog.Batch
	for id := int64(0); id < 10; id++ {
		files := f
		if id == 3 {
			files = nil
		}
		batches = append(batches, parquetlog.Batch{ID: id, CommittedAtMs: id * 60000, Files: files})
	}
	ids := func(bs []parquetlog.Batch) string {
		var s []string
		for _, b := range bs {
			s = append(s, fmt.Sprint(b.ID))
		}
		return strings.Join(s, ",")
	}
	for _, tc := range []struct {
		r    Retention
		want string
	}{
		{Retention{}, "0,1,2,4,5,6,7,8,9"},
		{RetainBatches(4), "6,7,8,9"},
		{RetainBatches(1), "9"},
		{RetainFor(3 * time.Minute), "6,7,8,9"},
		{RetainFor(time.Second), "9"},
	} {
		if got := ids(retain(batches, 9, tc.r, 9*60000)); got != tc.want {
			t.Errorf("retain(%+v) = %s, want %s", tc.r, got, tc.want)
		}
	}
	empty := []parquetlog.Batch{{ID: 9}}
	if got := ids(retain(empty, 9, Retention{}, 0)); got != "9" {
		t.Errorf("the compacted batch itself is always kept, even empty: %s", got)
	}
}

func TestCheckOrder(t *testing.T) {
	ls := parquetlog.Listing{Deltas: seq(19, 25), Compacts: []int64{19}}
	for _, tc := range []struct {
		n      int64
		replay bool
		err    string
	}{
		{26, false, ""},
		{25, true, ""},
		{20, true, ""},
		{27, false, "batch 27 would follow batch 25"},
		{5, false, "batch 5 is older than the log's latest batch 25 and its manifest is gone"},
	} {
		replay, err := checkOrder(ls, tc.n)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("checkOrder(%d): %v, want %q", tc.n, err, tc.err)
			}
		} else if err != nil || replay != tc.replay {
			t.Errorf("checkOrder(%d) = %v, %v", tc.n, replay, err)
		}
	}
	if replay, err := checkOrder(parquetlog.Listing{}, 7); replay || err != nil {
		t.Errorf("a new log may start at any batch: %v %v", replay, err)
	}
}

// logNames lists _spate_log.
func logNames(t testing.TB, root string) string {
	t.Helper()
	ents, err := os.ReadDir(parquetlog.Dir(root))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return strings.Join(names, " ")
}

func TestManifestCompactionAndRetentionOver35Batches(t *testing.T) {
	const batches = 35
	for _, tc := range []struct {
		name      string
		retention Retention
		firstLive int64 // first batch whose files the log lists at the end
	}{
		{"keep everything", Retention{}, 0},
		{"last 5 batches", RetainBatches(5), 25},           // compaction 29 keeps 25..29, then 30..34
		{"last 5 minutes", RetainFor(5 * time.Minute), 24}, // batch n commits at minute n
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			mem := testAllocator(t)
			s := Sink(dir).Allocator(mem).ManifestCompactInterval(10).ManifestRetention(tc.retention)
			var minute int64
			s.now = func() time.Time { return baseTime.Add(time.Duration(minute) * time.Minute) }
			for b := int64(0); b < batches; b++ {
				minute = b
				commitBatch(t, s, b, mem, [][2]int{{int(b) * 3, 3}}, 3)
				ents, _ := os.ReadDir(parquetlog.Dir(dir))
				if len(ents) > 2*10+2 {
					t.Fatalf("after batch %d _spate_log holds %d files: %s", b, len(ents), logNames(t, dir))
				}
			}
			want := "19.compact 19.json 20.json 21.json 22.json 23.json 24.json 25.json 26.json 27.json 28.json " +
				"29.compact 29.json 30.json 31.json 32.json 33.json 34.json"
			if got := logNames(t, dir); got != want {
				t.Errorf("_spate_log holds\n%s\nwant\n%s", got, want)
			}
			l, err := ReadLog(dir)
			if err != nil {
				t.Fatal(err)
			}
			if l.LatestBatch != batches-1 || len(l.Files) != int(batches-tc.firstLive) || l.Files[0].Batch != tc.firstLive {
				t.Fatalf("log: latest %d, %d files from batch %d; want %d files from batch %d",
					l.LatestBatch, len(l.Files), l.Files[0].Batch, batches-tc.firstLive, tc.firstLive)
			}
			for i, f := range l.Files {
				if want := fmt.Sprintf("part-%05d-00000-000.parquet", tc.firstLive+int64(i)); f.RelPath != want || f.Path != filepath.Join(dir, want) {
					t.Errorf("file %d: %s (%s), want %s", i, f.RelPath, f.Path, want)
				}
			}
			// Retention only changes what the log lists: every file stays on disk.
			if n := len(parquetFiles(tree(t, dir))); n != batches {
				t.Errorf("%d files on disk, want %d", n, batches)
			}
		})
	}
}

func TestReadLogErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := CommittedFiles(dir); !errors.Is(err, ErrNoLog) {
		t.Errorf("no log: %v, want ErrNoLog", err)
	}
	mem := testAllocator(t)
	s := Sink(dir).Allocator(mem)
	for b := int64(0); b < 3; b++ {
		commitBatch(t, s, b, mem, [][2]int{{int(b), 1}}, 1)
	}
	mustWrite(t, parquetlog.Path(dir, 1, false), `{"version":1,"batches":[{"batchId":1,"committedAtMs":0,"files":[{"path":"../../etc/passwd","rows":1,"bytes":1}]}]}`)
	_, err := CommittedFiles(dir)
	if err == nil || !strings.Contains(err.Error(), `bad file entry "../../etc/passwd"`) || !strings.Contains(err.Error(), "1.json") {
		t.Errorf("corrupt manifest: %v", err)
	}
	mustRemove(t, parquetlog.Path(dir, 1, false))
	_, err = CommittedFiles(dir)
	if err == nil || !strings.Contains(err.Error(), "no manifest of batch 1") {
		t.Errorf("missing manifest: %v", err)
	}
}
