package log

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// fillKeys appends batches of 4 records cycling through nKeys keys; the
// value names the batch and record. It returns every record as written.
func fillKeys(t testing.TB, l *Log, batches, nKeys int) []consumed {
	t.Helper()
	var all []consumed
	n := 0
	for b := range batches {
		var recs []kv
		for range 4 {
			recs = append(recs, put(fmt.Sprintf("k%d", n%nKeys), fmt.Sprintf("v%d", n)))
			n++
		}
		base := appendKV(t, l, kvs(recs...))
		for i, r := range recs {
			all = append(all, consumed{offset: base + int64(i), key: r.key, value: r.value})
		}
		_ = b
	}
	return all
}

// wantCompacted is what a compaction of written must leave: below
// activeBase the latest record of each key there (the active segment is
// neither compacted nor mapped), every record from activeBase on.
func wantCompacted(written []consumed, activeBase int64) []consumed {
	var below []consumed
	for _, r := range written {
		if r.offset < activeBase {
			below = append(below, r)
		}
	}
	latest := latestOffsets(below)
	var want []consumed
	for _, r := range written {
		if r.offset >= activeBase || latest[r.key] == r.offset {
			want = append(want, r)
		}
	}
	return want
}

func sameRecords(t *testing.T, got, want []consumed) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d records, want %d:\ngot  %v\nwant %v", len(got), len(want), got, want)
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.offset != w.offset || g.key != w.key || g.value != w.value || g.tombstone != w.tombstone {
			t.Fatalf("record %d: got %v, want %v", i, g, w)
		}
	}
}

func TestCompactKeepsTheLatestRecordOfEachKey(t *testing.T) {
	dir := t.TempDir()
	l := mustOpen(t, dir, compactCfg(1024))
	written := fillKeys(t, l, 40, 7)
	sizeBefore, leo, start := l.Size(), l.LogEndOffset(), l.LogStartOffset()
	activeBase := l.active().base
	st := mustCompact(t, l)

	want := wantCompacted(written, activeBase)
	sameRecords(t, consume(t, l), want)
	if l.LogEndOffset() != leo || l.LogStartOffset() != start {
		t.Fatalf("offsets moved: [%d, %d), want [%d, %d)", l.LogStartOffset(), l.LogEndOffset(), start, leo)
	}
	if l.Size() >= sizeBefore || st.Rounds != 1 || st.RecordsKept >= st.RecordsRead {
		t.Fatalf("%d bytes (%d before), stats %+v", l.Size(), sizeBefore, st)
	}
	if st.FirstDirtyOffset != activeBase {
		t.Fatalf("first dirty offset %d, want the active base %d", st.FirstDirtyOffset, activeBase)
	}
	// Reads at offsets compaction removed return the next batch kept.
	for off := start; off < leo; off++ {
		r, err := l.Read(off, 1)
		if err != nil {
			t.Fatalf("read at removed offset %d: %v", off, err)
		}
		if r.Size == 0 {
			t.Fatalf("read at %d returned nothing", off)
		}
		r.Close()
	}
	// Compacting again finds nothing to do, and a reopened log reads the same.
	if st := mustCompact(t, l); st.Rounds != 0 {
		t.Fatalf("a second compaction ran: %+v", st)
	}
	l.Close()
	l = mustOpen(t, dir, compactCfg(1024))
	defer l.Close()
	sameRecords(t, consume(t, l), want)
	if l.LogEndOffset() != leo {
		t.Fatalf("reopened log ends at %d, want %d", l.LogEndOffset(), leo)
	}
	// The next round merges the small segments the first one left.
	written = append(written, fillKeys(t, l, 10, 7)...)
	if err := l.roll(l.LogEndOffset(), l.nowMs()); err != nil {
		t.Fatal(err)
	}
	segs := l.NumSegments()
	mustCompact(t, l)
	sameRecords(t, consume(t, l), wantCompacted(written, l.LogEndOffset()))
	if l.NumSegments() >= segs-2 {
		t.Fatalf("%d segments after the second round, %d before: the small cleaned ones did not merge", l.NumSegments(), segs)
	}
}

func TestCompactKeepsBatchOffsetsAndEpochs(t *testing.T) {
	l := mustOpen(t, t.TempDir(), compactCfg(600))
	defer l.Close()
	for e := range int32(3) {
		for i := range 5 {
			if _, err := l.Append(kvBatch(t, kvs(put("a", fmt.Sprint(e, i)), put(fmt.Sprint("b", i), "x"))), AppendOptions{LeaderEpoch: e}); err != nil {
				t.Fatal(err)
			}
		}
	}
	epochs := l.EpochEntries()
	before := map[int64]BatchHeader{}
	for _, h := range storedHeaders(t, l) {
		before[h.BaseOffset] = h
	}
	mustCompact(t, l)
	if got := l.EpochEntries(); !slices.Equal(got, epochs) {
		t.Fatalf("epochs %v, want %v", got, epochs)
	}
	for _, h := range storedHeaders(t, l) {
		b, ok := before[h.BaseOffset]
		if !ok || b.LastOffsetDelta != h.LastOffsetDelta || b.PartitionLeaderEpoch != h.PartitionLeaderEpoch {
			t.Fatalf("batch at %d: %+v, before compaction %+v", h.BaseOffset, h, b)
		}
	}
}

func TestCompactTombstonesGoAfterDeleteRetention(t *testing.T) {
	clock := newClock()
	cfg := compactCfg(1 << 20)
	cfg.DeleteRetention = time.Hour
	l := mustOpen(t, t.TempDir(), cfg, WithClock(clock.Now))
	defer l.Close()
	appendKV(t, l, kvs(put("a", "1"), put("b", "1")))
	appendKV(t, l, kvs(del("a"), put("c", "1")))
	if err := l.roll(l.LogEndOffset(), clock.Now().UnixMilli()); err != nil {
		t.Fatal(err)
	}
	appendKV(t, l, kvs(put("d", "1")))

	mustCompact(t, l)
	want := []consumed{{offset: 1, key: "b", value: "1"}, {offset: 2, key: "a", tombstone: true}, {offset: 3, key: "c", value: "1"}, {offset: 4, key: "d", value: "1"}}
	got := consume(t, l)
	sameRecords(t, got, want)
	if got[1].ts != tsBase || got[0].ts != tsBase+1 {
		t.Fatalf("record timestamps changed: %v %v", got[0].ts, got[1].ts)
	}
	hs := storedHeaders(t, l)
	if horizon, ok := hs[1].DeleteHorizon(); !ok || horizon != clock.Now().Add(time.Hour).UnixMilli() {
		t.Fatalf("the tombstone's batch has delete horizon %d %v", horizon, ok)
	}

	clock.Add(time.Hour - time.Millisecond)
	if _, err := l.Maintain(); err != nil {
		t.Fatal(err)
	}
	sameRecords(t, consume(t, l), want)

	clock.Add(time.Millisecond)
	if _, err := l.Maintain(); err != nil { // the horizon passing makes a round due
		t.Fatal(err)
	}
	sameRecords(t, consume(t, l), []consumed{want[0], want[2], want[3]})
}

func TestCompactZeroDeleteRetention(t *testing.T) {
	cfg := compactCfg(1 << 20)
	if err := cfg.ApplyTopicConfigs(map[string]string{"delete.retention.ms": "0"}); err != nil {
		t.Fatal(err)
	}
	l := mustOpen(t, t.TempDir(), cfg)
	defer l.Close()
	appendKV(t, l, kvs(put("a", "1"), del("a"), put("b", "1")))
	if err := l.roll(l.LogEndOffset(), l.nowMs()); err != nil {
		t.Fatal(err)
	}
	mustCompact(t, l) // the first round keeps the tombstone, the next drops it
	sameRecords(t, consume(t, l), []consumed{{offset: 2, key: "b", value: "1"}})
}

func TestCompactCompressedBatches(t *testing.T) {
	for _, codec := range []kgo.CompressionCodec{kgo.GzipCompression(), kgo.SnappyCompression(), kgo.Lz4Compression(), kgo.ZstdCompression()} {
		l := mustOpen(t, t.TempDir(), compactCfg(2048))
		var written []consumed
		for b := range 30 {
			var recs []kv
			for i := range 8 {
				if (b+i)%7 == 3 {
					recs = append(recs, del(fmt.Sprint("k", (b*8+i)%13)))
				} else {
					recs = append(recs, put(fmt.Sprint("k", (b*8+i)%13), fmt.Sprintf("value-%d-%d-%s", b, i, "padding padding padding")))
				}
			}
			base := appendKV(t, l, kvs(recs...).compressed(codec))
			for i, r := range recs {
				written = append(written, consumed{offset: base + int64(i), key: r.key, value: r.value, tombstone: r.tombstone})
			}
		}
		activeBase := l.active().base
		mustCompact(t, l)
		got := consume(t, l)
		sameRecords(t, got, wantCompacted(written, activeBase))
		for _, h := range storedHeaders(t, l) {
			if h.RecordCount > 0 && h.Compression() != Compression(kgoCodecType(codec)) {
				t.Fatalf("batch at %d has codec %d, want %d", h.BaseOffset, h.Compression(), kgoCodecType(codec))
			}
		}
		l.Close()
	}
}

// kgoCodecType is the attribute value of a kgo codec.
func kgoCodecType(c kgo.CompressionCodec) int8 {
	switch c {
	case kgo.GzipCompression():
		return 1
	case kgo.SnappyCompression():
		return 2
	case kgo.Lz4Compression():
		return 3
	case kgo.ZstdCompression():
		return 4
	}
	return 0
}

func TestCompactKeepsTheLastBatchOfAnIdempotentProducer(t *testing.T) {
	dir := t.TempDir()
	cfg := compactCfg(1024)
	l := mustOpen(t, dir, cfg)
	first := kvBatch(t, kvs(put("a", "1"), put("b", "1")).idempotent(7, 0, 0))
	mine := kvBatch(t, kvs(put("a", "2"), put("b", "2"), put("c", "2")).idempotent(7, 0, 2))
	if _, err := l.Append(append([]byte(nil), first...), AppendOptions{}); err != nil {
		t.Fatal(err)
	}
	res, err := l.Append(append([]byte(nil), mine...), AppendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	fillKeys(t, l, 30, 3) // overwrites a, b and c many times over (keys k0-k2 too)
	for range 10 {
		appendKV(t, l, kvs(put("a", "x"), put("b", "x"), put("c", "x")))
	}
	mustCompact(t, l)
	// The producer's records are superseded, but its last batch stays, empty.
	var kept *BatchHeader
	for _, h := range storedHeaders(t, l) {
		if h.BaseOffset == res.BaseOffset {
			kept = &h
		}
		if h.BaseOffset < res.BaseOffset && h.HasProducerID() {
			t.Fatalf("the producer's older batch at %d was kept", h.BaseOffset)
		}
	}
	if kept == nil || kept.RecordCount != 0 || kept.LastOffsetDelta != 2 || kept.BaseSequence != 2 || kept.Compression() != CompressionNone {
		t.Fatalf("the producer's last batch: %+v", kept)
	}
	retry := func(l *Log) {
		t.Helper()
		dup, err := l.Append(append([]byte(nil), mine...), AppendOptions{})
		if err != nil || !dup.Duplicate || dup.BaseOffset != res.BaseOffset || dup.LastOffset != res.LastOffset {
			t.Fatalf("retry after compaction: %+v %v", dup, err)
		}
	}
	retry(l)
	l.Close()
	// Without snapshots the producer state is rebuilt from the compacted log.
	for _, off := range l.snapshotOffsets() {
		removeFile(l.snapshotPath(off))
	}
	l = mustOpen(t, dir, cfg)
	defer l.Close()
	retry(l)
	if _, err := l.Append(kvBatch(t, kvs(put("z", "1")).idempotent(7, 0, 5)), AppendOptions{}); err != nil {
		t.Fatalf("the next sequence after compaction: %v", err)
	}
}

func TestCompactReadersKeepTheOldSegments(t *testing.T) {
	l := mustOpen(t, t.TempDir(), compactCfg(1024))
	defer l.Close()
	fillKeys(t, l, 30, 3)
	r, err := l.Read(0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	before, err := r.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	mustCompact(t, l)
	after, err := r.Bytes()
	if err != nil {
		t.Fatalf("reading a result taken before compaction: %v", err)
	}
	if string(after) != string(before) {
		t.Fatal("a result taken before compaction changed")
	}
}

func TestCompactWhileAppending(t *testing.T) {
	l := mustOpen(t, t.TempDir(), compactCfg(1024))
	defer l.Close()
	done := make(chan []consumed)
	go func() {
		done <- fillKeys(t, l, 300, 11)
	}()
	for range 20 {
		if _, err := l.Compact(); err != nil {
			t.Error(err)
		}
	}
	written := <-done
	mustCompact(t, l)
	got := consume(t, l)
	if want := replay(written); !maps.Equal(replay(got), want) {
		t.Fatalf("after compaction the log replays to %v, want %v", replay(got), want)
	}
	// Below the first dirty offset each key has one record.
	st := mustCompact(t, l)
	seen := map[string]int64{}
	for _, r := range got {
		if prev, ok := seen[r.key]; ok && r.offset < st.FirstDirtyOffset {
			t.Fatalf("key %s has records at %d and %d below the first dirty offset %d", r.key, prev, r.offset, st.FirstDirtyOffset)
		}
		seen[r.key] = r.offset
	}
}

func TestMaintainCompactsWhenDue(t *testing.T) {
	clock := newClock()
	cfg := compactCfg(1024)
	cfg.MinCompactionLag = time.Minute
	l := mustOpen(t, t.TempDir(), cfg, WithClock(clock.Now))
	defer l.Close()
	fillKeys(t, l, 20, 12)
	l.roll(l.LogEndOffset(), clock.Now().UnixMilli())
	l.flushWG.Wait()
	size := l.Size()
	if _, err := l.Maintain(); err != nil || l.Size() != size {
		t.Fatalf("compacted within min.compaction.lag.ms: size %d -> %d, %v", size, l.Size(), err)
	}
	clock.Add(time.Minute + time.Second)
	if _, err := l.Maintain(); err != nil || l.Size() >= size {
		t.Fatalf("not compacted once the lag passed and everything was dirty: size %d -> %d, %v", size, l.Size(), err)
	}
	// A little new dirty data is below the 0.5 dirty ratio.
	appendKV(t, l, kvs(put("k1", "new")))
	l.roll(l.LogEndOffset(), clock.Now().UnixMilli())
	l.flushWG.Wait()
	clock.Add(2 * time.Minute)
	size = l.Size()
	if _, err := l.Maintain(); err != nil || l.Size() != size {
		t.Fatalf("compacted below the dirty ratio: %d -> %d, %v", size, l.Size(), err)
	}
}

func TestMaxCompactionLagRollsAndCompacts(t *testing.T) {
	clock := newClock()
	cfg := compactCfg(1 << 20)
	cfg.MinCleanableDirtyRatio = 1 // the ratio never exceeds 1: only the lag can start a round
	cfg.MaxCompactionLag = time.Hour
	l := mustOpen(t, t.TempDir(), cfg, WithClock(clock.Now))
	defer l.Close()
	appendKV(t, l, kvs(put("a", "1"), put("a", "2")))
	if _, err := l.Maintain(); err != nil || l.NumSegments() != 1 {
		t.Fatalf("rolled early: %d segments, %v", l.NumSegments(), err)
	}
	clock.Add(time.Hour + time.Second)
	if _, err := l.Maintain(); err != nil { // rolls the active segment
		t.Fatal(err)
	}
	l.flushWG.Wait()
	if _, err := l.Maintain(); err != nil { // its first batch is overdue: compacts
		t.Fatal(err)
	}
	sameRecords(t, consume(t, l), []consumed{{offset: 1, key: "a", value: "2"}})
}

func TestCompactOnlyPolicyIgnoresRetention(t *testing.T) {
	clock := newClock()
	cfg := compactCfg(300)
	cfg.RetentionMs, cfg.RetentionBytes = 1000, 100
	l := mustOpen(t, t.TempDir(), cfg, WithClock(clock.Now))
	defer l.Close()
	for i := range 10 {
		appendKV(t, l, kvs(put(fmt.Sprint("k", i), "some value to fill the segment")))
	}
	clock.Add(time.Hour)
	if n, err := l.Maintain(); err != nil || n != 0 || l.LogStartOffset() != 0 {
		t.Fatalf("retention deleted %d segments of a compact-only log: %v", n, err)
	}
	cfg.CleanupPolicy = CleanupCompact | CleanupDelete
	if err := l.SetConfig(cfg); err != nil {
		t.Fatal(err)
	}
	if n, err := l.Maintain(); err != nil || n == 0 {
		t.Fatalf("compact,delete kept everything: %d deleted, %v", n, err)
	}
}

func TestCompactRefusesADeletePolicyLog(t *testing.T) {
	l := mustOpen(t, t.TempDir(), Config{})
	defer l.Close()
	if _, err := l.Compact(); err == nil {
		t.Fatal("compacted a cleanup.policy=delete log")
	}
}

func TestCompactKeepsTheLogStartOffset(t *testing.T) {
	dir := t.TempDir()
	l := mustOpen(t, dir, compactCfg(1024))
	fillKeys(t, l, 30, 5)
	if _, err := l.DeleteRecordsBefore(6); err != nil {
		t.Fatal(err)
	}
	mustCompact(t, l)
	if l.LogStartOffset() != 6 {
		t.Fatalf("log start %d, want 6", l.LogStartOffset())
	}
	l.Close()
	l = mustOpen(t, dir, compactCfg(1024))
	defer l.Close()
	if l.LogStartOffset() != 6 {
		t.Fatalf("reopened log start %d, want 6", l.LogStartOffset())
	}
	consume(t, l)
}

func TestCompactThenTruncate(t *testing.T) {
	l := mustOpen(t, t.TempDir(), compactCfg(1024))
	defer l.Close()
	written := fillKeys(t, l, 30, 5)
	mustCompact(t, l)
	kept := consume(t, l)
	cut := kept[len(kept)/2].offset
	if err := l.Truncate(cut); err != nil {
		t.Fatal(err)
	}
	if l.LogEndOffset() > cut {
		t.Fatalf("log end %d after truncating to %d", l.LogEndOffset(), cut)
	}
	for _, r := range consume(t, l) {
		if r.offset >= cut {
			t.Fatalf("record %v survived the truncation to %d", r, cut)
		}
	}
	_ = written
	appendKV(t, l, kvs(put("after", "1")))
	mustCompact(t, l)
	consume(t, l)
}

func TestCompactAfterCrashKeepsTheEndOffset(t *testing.T) {
	dir := t.TempDir()
	cfg := compactCfg(1024)
	cfg.DeleteRetention = -1 // tombstones go at the second round
	l := mustOpen(t, dir, cfg)
	fillKeys(t, l, 30, 3)
	appendKV(t, l, kvs(del("k0"), del("k1")))
	if err := l.roll(l.LogEndOffset(), l.nowMs()); err != nil { // an empty active segment
		t.Fatal(err)
	}
	mustCompact(t, l)
	leo := l.LogEndOffset()
	if hs := storedHeaders(t, l); hs[len(hs)-1].NextOffset() == leo {
		t.Fatal("the last sealed segment should end before the active base")
	}
	crashed := crashCopy(t, dir)
	l.Close()
	l = mustOpen(t, crashed, cfg)
	defer l.Close()
	if l.LogEndOffset() != leo {
		t.Fatalf("log end offset after a crash %d, want %d", l.LogEndOffset(), leo)
	}
}

func TestCompactInRoundsWithASmallMap(t *testing.T) {
	l := mustOpen(t, t.TempDir(), compactCfg(1024), WithCompactionMapKeys(5))
	defer l.Close()
	written := fillKeys(t, l, 60, 23)
	if err := l.roll(l.LogEndOffset(), l.nowMs()); err != nil {
		t.Fatal(err)
	}
	st := mustCompact(t, l)
	if st.Rounds < 4 || st.FirstDirtyOffset != l.LogEndOffset() {
		t.Fatalf("stats %+v: want several rounds ending at %d", st, l.LogEndOffset())
	}
	sameRecords(t, consume(t, l), wantCompacted(written, l.LogEndOffset()))
}

func TestCompactedTopicRefusesKeylessRecords(t *testing.T) {
	l := mustOpen(t, t.TempDir(), compactCfg(1<<20))
	defer l.Close()
	for _, codec := range []kgo.CompressionCodec{kgo.NoCompression(), kgo.ZstdCompression()} {
		_, err := l.Append(kvBatch(t, kvs(put("a", "1"), kv{keyless: true, value: "v"}).compressed(codec)), AppendOptions{})
		var be *BatchError
		if !errors.Is(err, ErrInvalidRecord) || !errors.As(err, &be) || !strings.Contains(err.Error(), "record 1 has no key") {
			t.Fatalf("a keyless record in a compacted topic: %v", err)
		}
		if _, err := l.Append(kvBatch(t, kvs(put("a", "1"), del("b")).compressed(codec)), AppendOptions{}); err != nil {
			t.Fatalf("keyed records and a tombstone: %v", err)
		}
	}
	bad := withRecords(t, kvBatch(t, kvs(put("a", "1"))), []byte{0x7f, 1, 2})
	if _, err := l.Append(bad, AppendOptions{}); !errors.Is(err, ErrCorruptBatch) {
		t.Fatalf("malformed records in a compacted topic: %v", err)
	}
	if l.LogEndOffset() != 4 {
		t.Fatalf("log end %d, want the 4 good records only", l.LogEndOffset())
	}
	plainLog := mustOpen(t, t.TempDir(), Config{})
	defer plainLog.Close()
	if _, err := plainLog.Append(kvBatch(t, kvs(kv{keyless: true, value: "v"})), AppendOptions{}); err != nil {
		t.Fatalf("a keyless record in a delete topic: %v", err)
	}
}

func TestTruncateBelowTheFirstDirtyOffsetMakesNewDataDirty(t *testing.T) {
	dir := t.TempDir()
	cfg := compactCfg(1024)
	l := mustOpen(t, dir, cfg)
	fillKeys(t, l, 40, 5)
	st := mustCompact(t, l)
	cut := st.FirstDirtyOffset - 30
	if err := l.Truncate(cut); err != nil {
		t.Fatal(err)
	}
	// New duplicates where compacted data was, then a restart.
	for range 10 {
		appendKV(t, l, kvs(put("dup", "1"), put("dup", "2")))
	}
	if err := l.roll(l.LogEndOffset(), l.nowMs()); err != nil {
		t.Fatal(err)
	}
	l.Close()
	l = mustOpen(t, dir, cfg)
	defer l.Close()
	mustCompact(t, l)
	n := 0
	for _, r := range consume(t, l) {
		if r.key == "dup" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d records of key dup after compaction, want 1", n)
	}
}

// leftovers lists the files a compaction in progress writes.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), cleanedSuffix) || strings.HasSuffix(e.Name(), swapSuffix) {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestCompactionRoundStopsWhenTheLogChangesUnderIt(t *testing.T) {
	changes := map[string]func(l *Log) error{
		"truncation": func(l *Log) error { return l.Truncate(5) },
		"retention":  func(l *Log) error { _, err := l.DeleteRecordsBefore(l.active().base); return err },
		"reset":      func(l *Log) error { return l.Reset(1000) },
	}
	for name, change := range changes {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			l := mustOpen(t, dir, compactCfg(1024))
			defer l.Close()
			fillKeys(t, l, 30, 4)
			l.flushWG.Wait()
			l.cleanMu.Lock()
			r, err := l.planRound(true)
			if err != nil || r == nil {
				t.Fatalf("plan: %v %v", r, err)
			}
			if err := change(l); err != nil {
				t.Fatal(err)
			}
			want := consume(t, l)
			done, err := r.run()
			r.release()
			l.cleanMu.Unlock()
			if done || (err != nil && !r.logChanged()) {
				t.Fatalf("the round went on: done %v, %v", done, err)
			}
			sameRecords(t, consume(t, l), want)
			if left := leftovers(t, dir); len(left) > 0 {
				t.Fatalf("left %v", left)
			}
			mustCompact(t, l) // the next round works
		})
	}
}

func TestCloseDuringCompaction(t *testing.T) {
	dir := t.TempDir()
	cfg := compactCfg(4096)
	l := mustOpen(t, dir, cfg)
	written := fillKeys(t, l, 400, 50)
	l.flushWG.Wait()
	done := make(chan error, 1)
	go func() {
		_, err := l.Compact()
		done <- err
	}()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil && !errors.Is(err, ErrClosed) {
		t.Fatalf("compaction when the log closed: %v", err)
	}
	if left := leftovers(t, dir); len(left) > 0 {
		t.Fatalf("Close returned with %v in the folder", left)
	}
	l = mustOpen(t, dir, cfg)
	defer l.Close()
	if got, want := replay(consume(t, l)), replay(written); !maps.Equal(got, want) {
		t.Fatalf("after a close during compaction the log replays to %v, want %v", got, want)
	}
}
