package log

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

func TestAppendReadAcrossRollsAndReopen(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{SegmentBytes: 4096, IndexIntervalBytes: 512}
	l := mustOpen(t, dir, cfg)
	var want int64
	for i := range 100 {
		res, err := l.Append(makeBatch(t, plain(1+i%5, 50, int64(i))), AppendOptions{LeaderEpoch: 0})
		if err != nil {
			t.Fatal(err)
		}
		if res.BaseOffset != want || res.LastOffset != want+int64(i%5) || res.LogAppendTime != -1 {
			t.Fatalf("batch %d: %+v, want base %d", i, res, want)
		}
		want = res.LastOffset + 1
	}
	if l.LogEndOffset() != want || l.NumSegments() < 5 {
		t.Fatalf("leo %d (want %d), %d segments", l.LogEndOffset(), want, l.NumSegments())
	}
	if hs := readAll(t, l, 0); len(hs) != 100 {
		t.Fatalf("read %d batches, want 100", len(hs))
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Append(makeBatch(t, plain(1, 1, 0)), AppendOptions{}); !errors.Is(err, ErrClosed) {
		t.Fatalf("append after close: %v", err)
	}
	l = mustOpen(t, dir, cfg)
	defer l.Close()
	if l.LogEndOffset() != want {
		t.Fatalf("after reopen leo %d, want %d", l.LogEndOffset(), want)
	}
	if hs := readAll(t, l, 0); len(hs) != 100 {
		t.Fatalf("after reopen read %d batches, want 100", len(hs))
	}
	res, err := l.Append(makeBatch(t, plain(2, 5, 0)), AppendOptions{})
	if err != nil || res.BaseOffset != want {
		t.Fatalf("append after reopen: %+v %v", res, err)
	}
}

func TestAppendRejectsBadBatches(t *testing.T) {
	l := mustOpen(t, t.TempDir(), Config{MaxMessageBytes: 2000})
	defer l.Close()
	good := makeBatch(t, plain(2, 10, 0))
	corrupt := append([]byte(nil), good...)
	corrupt[len(corrupt)-1] ^= 1
	magic1 := append([]byte(nil), good...)
	magic1[offMagic] = 1
	mismatch := makeBatch(t, plain(2, 10, 0))
	mismatch[offRecordCount+3] = 5
	SetLogAppendTime(mismatch, 1) // recompute the CRC
	cases := []struct {
		name string
		b    []byte
		want error
	}{
		{"empty", nil, ErrCorruptBatch},
		{"magic 1", magic1, ErrUnsupportedMagic},
		{"bad CRC", corrupt, ErrCorruptBatch},
		{"bad CRC in the second batch", append(append([]byte(nil), good...), corrupt...), ErrCorruptBatch},
		{"truncated", good[:len(good)-4], ErrCorruptBatch},
		{"too large", makeBatch(t, plain(3, 1000, 0)), ErrBatchTooLarge},
		{"count does not match lastOffsetDelta", mismatch, ErrCorruptBatch},
	}
	for _, c := range cases {
		if _, err := l.Append(c.b, AppendOptions{}); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	if l.LogEndOffset() != 0 || l.Size() != 0 {
		t.Fatalf("a refused append left data: leo %d size %d", l.LogEndOffset(), l.Size())
	}
}

func TestOffsetForTimestamp(t *testing.T) {
	l := mustOpen(t, t.TempDir(), Config{SegmentBytes: 2500, IndexIntervalBytes: 200})
	defer l.Close()
	codecs := []kgo.CompressionCodec{kgo.NoCompression(), kgo.GzipCompression(), kgo.SnappyCompression(), kgo.Lz4Compression(), kgo.ZstdCompression()}
	// 40 batches of 10 records; record offset o has timestamp tsBase + 10*o.
	for i := range 40 {
		s := plain(10, 30, 0)
		s.codec = codecs[i%len(codecs)]
		s.firstTs, s.tsStep = tsBase+int64(i)*100, 10
		b := makeBatch(t, s)
		if _, err := l.Append(b, AppendOptions{LeaderEpoch: int32(i / 10)}); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		ts        int64
		want      int64
		wantEpoch int32
		found     bool
	}{
		{0, 0, 0, true},
		{tsBase, 0, 0, true},
		{tsBase + 1, 1, 0, true},
		{tsBase + 10, 1, 0, true},
		{tsBase + 1234, 124, 1, true}, // compressed batches too
		{tsBase + 3990, 399, 3, true},
		{tsBase + 3991, 0, 0, false},
	}
	for _, c := range cases {
		got, found, err := l.OffsetForTimestamp(c.ts)
		if err != nil || found != c.found || (found && (got.Offset != c.want || got.LeaderEpoch != c.wantEpoch || got.Timestamp < c.ts)) {
			t.Errorf("OffsetForTimestamp(%d) = %+v %v %v; want offset %d epoch %d", c.ts-tsBase, got, found, err, c.want, c.wantEpoch)
		}
	}
	if mt, ok := l.MaxTimestamp(); !ok || mt.Timestamp != tsBase+3990 || mt.Offset != 399 {
		t.Errorf("MaxTimestamp = %+v %v", mt, ok)
	}
}

func TestLogAppendTime(t *testing.T) {
	clock := newClock()
	l := mustOpen(t, t.TempDir(), Config{TimestampType: LogAppendTime}, WithClock(clock.Now))
	defer l.Close()
	s := plain(3, 10, -100000)
	s.codec = kgo.Lz4Compression()
	res, err := l.Append(makeBatch(t, s), AppendOptions{})
	if err != nil || res.LogAppendTime != clock.now.UnixMilli() {
		t.Fatalf("%+v %v", res, err)
	}
	hs := readAll(t, l, 0)
	if len(hs) != 1 || hs[0].TimestampType() != LogAppendTime || hs[0].MaxTimestamp != clock.now.UnixMilli() {
		t.Fatalf("stored %+v", hs)
	}
	got, ok, err := l.OffsetForTimestamp(clock.now.UnixMilli())
	if err != nil || !ok || got.Offset != 0 || got.Timestamp != clock.now.UnixMilli() {
		t.Fatalf("OffsetForTimestamp on LogAppendTime: %+v %v %v", got, ok, err)
	}
}

func TestRetentionByBytesAndTime(t *testing.T) {
	clock := newClock()
	dir := t.TempDir()
	l := mustOpen(t, dir, Config{SegmentBytes: 1000, RetentionBytes: 3000, RetentionMs: 60_000}, WithClock(clock.Now))
	defer l.Close()
	fill(t, l, 30, 5, 20) // about 8 segments
	segs := l.NumSegments()
	n, err := l.Maintain()
	if err != nil || n == 0 || l.Size() < 3000 || l.Size() > 3000+1000 {
		t.Fatalf("retention.bytes deleted %d of %d segments, size now %d: %v", n, segs, l.Size(), err)
	}
	start := l.LogStartOffset()
	if start == 0 || start%5 != 0 {
		t.Fatalf("log start %d", start)
	}
	if _, err := l.Read(start-1, 100); !errors.Is(err, ErrOffsetOutOfRange) {
		t.Fatalf("read below the new start: %v", err)
	}
	// Time: the test batches carry timestamps near tsBase; move past retention.ms.
	clock.Add(2 * time.Minute)
	leo := l.LogEndOffset()
	if _, err := l.Maintain(); err != nil {
		t.Fatal(err)
	}
	if l.LogStartOffset() != leo || l.Size() != 0 || l.NumSegments() != 1 {
		t.Fatalf("after time retention: start %d (leo %d) size %d segments %d", l.LogStartOffset(), leo, l.Size(), l.NumSegments())
	}
	if res, err := l.Append(makeBatch(t, plain(1, 1, 0)), AppendOptions{}); err != nil || res.BaseOffset != leo {
		t.Fatalf("append after all data expired: %+v %v", res, err)
	}
	ents, _ := os.ReadDir(dir)
	logs := 0
	for _, e := range ents {
		if filepath.Ext(e.Name()) == ".log" {
			logs++
		}
	}
	if logs != l.NumSegments() {
		t.Fatalf("%d .log files for %d segments", logs, l.NumSegments())
	}
}

func TestRetentionLimitKeepsUnreplicatedData(t *testing.T) {
	clock := newClock()
	l := mustOpen(t, t.TempDir(), Config{SegmentBytes: 1000, RetentionMs: 1000}, WithClock(clock.Now))
	defer l.Close()
	fill(t, l, 20, 5, 20)
	l.SetRetentionLimit(40)
	clock.Add(time.Hour)
	if _, err := l.Maintain(); err != nil {
		t.Fatal(err)
	}
	if s := l.LogStartOffset(); s > 40 {
		t.Fatalf("retention deleted past the limit: start %d", s)
	}
}

func TestDeleteRecordsBefore(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{SegmentBytes: 1000}
	l := mustOpen(t, dir, cfg)
	fill(t, l, 20, 5, 20)
	segs := l.NumSegments()
	start, err := l.DeleteRecordsBefore(52)
	if err != nil || start != 52 || l.NumSegments() >= segs {
		t.Fatalf("start %d, %d of %d segments left: %v", start, l.NumSegments(), segs, err)
	}
	if _, err := l.DeleteRecordsBefore(1000); !errors.Is(err, ErrOffsetOutOfRange) {
		t.Fatalf("delete past the end: %v", err)
	}
	if s, err := l.DeleteRecordsBefore(10); err != nil || s != 52 {
		t.Fatalf("delete below the start: %d %v", s, err)
	}
	// The batch holding 52 starts at 50: a read returns it whole.
	b, _ := readBytes(t, l, 52, 10, noLimit)
	if h, _ := ParseBatchHeader(b); h.BaseOffset != 50 {
		t.Fatalf("read at the start returned batch %d", h.BaseOffset)
	}
	l.Close()
	l = mustOpen(t, dir, cfg)
	defer l.Close()
	if l.LogStartOffset() != 52 {
		t.Fatalf("log start after reopen %d", l.LogStartOffset())
	}
}

func TestTruncate(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{SegmentBytes: 1000, IndexIntervalBytes: 100}
	l := mustOpen(t, dir, cfg)
	fill(t, l, 30, 5, 20) // offsets 0..149
	segs := l.NumSegments()
	cases := []struct {
		to, wantLeo int64
	}{
		{200, 150}, // past the end: nothing
		{149, 145}, // inside the last batch: cut at its start
		{120, 120}, // a batch boundary
		{33, 30},   // an earlier segment becomes active again
	}
	for _, c := range cases {
		if err := l.Truncate(c.to); err != nil {
			t.Fatal(err)
		}
		if l.LogEndOffset() != c.wantLeo {
			t.Fatalf("truncate(%d): leo %d, want %d", c.to, l.LogEndOffset(), c.wantLeo)
		}
		if hs := readAll(t, l, 0); len(hs) != int(c.wantLeo/5) {
			t.Fatalf("truncate(%d): %d batches readable", c.to, len(hs))
		}
	}
	if l.NumSegments() >= segs {
		t.Fatalf("segments after truncation %d, before %d", l.NumSegments(), segs)
	}
	if got, ok, _ := l.OffsetForTimestamp(tsBase + 1100); ok {
		t.Fatalf("a truncated timestamp is still found: %+v", got)
	}
	fill(t, l, 10, 5, 20)
	if l.LogEndOffset() != 80 {
		t.Fatalf("leo after appending again %d", l.LogEndOffset())
	}
	l.Close()
	l = mustOpen(t, dir, cfg)
	defer l.Close()
	if hs := readAll(t, l, 0); len(hs) != 16 || l.LogEndOffset() != 80 {
		t.Fatalf("after reopen %d batches, leo %d", len(hs), l.LogEndOffset())
	}
	if _, err := l.DeleteRecordsBefore(40); err != nil {
		t.Fatal(err)
	}
	if err := l.Truncate(10); !errors.Is(err, ErrOffsetOutOfRange) {
		t.Fatalf("truncate below the start: %v", err)
	}
	if err := l.Reset(500); err != nil {
		t.Fatal(err)
	}
	if l.LogStartOffset() != 500 || l.LogEndOffset() != 500 || l.Size() != 0 {
		t.Fatalf("after reset: [%d, %d) size %d", l.LogStartOffset(), l.LogEndOffset(), l.Size())
	}
	if res, err := l.Append(makeBatch(t, plain(1, 1, 0)), AppendOptions{}); err != nil || res.BaseOffset != 500 {
		t.Fatalf("append after reset: %+v %v", res, err)
	}
}

func TestLeaderEpochs(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{SegmentBytes: 1000}
	l := mustOpen(t, dir, cfg)
	for i, epoch := range []int32{0, 0, 0, 2, 2, 5, 5, 5} {
		if _, err := l.Append(makeBatch(t, plain(10, 10, int64(i))), AppendOptions{LeaderEpoch: epoch}); err != nil {
			t.Fatal(err)
		}
	}
	want := []EpochEntry{{0, 0}, {2, 30}, {5, 50}}
	if got := l.EpochEntries(); !equalEpochs(got, want) {
		t.Fatalf("epochs %v, want %v", got, want)
	}
	if e, off := l.EndOffsetForEpoch(2); e != 2 || off != 50 {
		t.Fatalf("EndOffsetForEpoch(2) = %d, %d", e, off)
	}
	if e, off := l.EndOffsetForEpoch(5); e != 5 || off != 80 {
		t.Fatalf("EndOffsetForEpoch(5) = %d, %d", e, off)
	}
	hs := readAll(t, l, 0)
	if hs[3].PartitionLeaderEpoch != 2 || hs[7].PartitionLeaderEpoch != 5 {
		t.Fatalf("stored epochs %d %d", hs[3].PartitionLeaderEpoch, hs[7].PartitionLeaderEpoch)
	}
	l.Close()
	l = mustOpen(t, dir, cfg)
	if got := l.EpochEntries(); !equalEpochs(got, want) {
		t.Fatalf("epochs after reopen %v", got)
	}
	if err := l.Truncate(45); err != nil {
		t.Fatal(err)
	}
	if got := l.EpochEntries(); !equalEpochs(got, want[:2]) {
		t.Fatalf("epochs after truncation %v", got)
	}
	if e, off := l.EndOffsetForEpoch(2); e != 2 || off != 40 {
		t.Fatalf("EndOffsetForEpoch(2) after truncation = %d, %d", e, off)
	}
	if e, off := l.EndOffsetForEpoch(5); e != UndefinedEpoch || off != UndefinedOffset {
		t.Fatalf("EndOffsetForEpoch(5) after truncation = %d, %d", e, off)
	}
	l.Close()
	l = mustOpen(t, dir, cfg)
	defer l.Close()
	if got := l.EpochEntries(); !equalEpochs(got, want[:2]) {
		t.Fatalf("epochs after truncation and reopen %v", got)
	}
}

func equalEpochs(a, b []EpochEntry) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestAppendReplicated(t *testing.T) {
	leader := mustOpen(t, t.TempDir(), Config{})
	defer leader.Close()
	for i := range 5 {
		if _, err := leader.Append(makeBatch(t, idem(7, 0, int32(i*3), 3)), AppendOptions{LeaderEpoch: 4}); err != nil {
			t.Fatal(err)
		}
	}
	fetched, _ := readBytes(t, leader, 0, 1<<20, noLimit)
	follower := mustOpen(t, t.TempDir(), Config{})
	defer follower.Close()
	res, err := follower.AppendReplicated(fetched)
	if err != nil || res.BaseOffset != 0 || res.LastOffset != 14 || follower.LogEndOffset() != 15 {
		t.Fatalf("%+v %v", res, err)
	}
	if _, err := follower.AppendReplicated(fetched); !errors.Is(err, ErrNonMonotonicOffset) {
		t.Fatalf("re-appending old offsets: %v", err)
	}
	if p, ok := follower.Producer(7); !ok || p.LastSequence != 14 || p.LastOffset != 14 {
		t.Fatalf("follower producer state %+v %v", p, ok)
	}
	if e, off := follower.EndOffsetForEpoch(4); e != 4 || off != 15 {
		t.Fatalf("follower epochs: %d %d", e, off)
	}
}

func TestFlushPolicies(t *testing.T) {
	clock := newClock()
	l := mustOpen(t, t.TempDir(), Config{FlushMessages: 3, FlushInterval: time.Second}, WithClock(clock.Now))
	defer l.Close()
	fill(t, l, 1, 2, 1)
	if l.unflushed != 2 {
		t.Fatalf("unflushed %d", l.unflushed)
	}
	fill(t, l, 1, 2, 1)
	if l.unflushed != 0 {
		t.Fatalf("flush.messages did not flush: %d", l.unflushed)
	}
	fill(t, l, 1, 1, 1)
	clock.Add(2 * time.Second)
	if _, err := l.Maintain(); err != nil || l.unflushed != 0 {
		t.Fatalf("flush.ms did not flush: %d %v", l.unflushed, err)
	}
	if err := l.Flush(); err != nil {
		t.Fatal(err)
	}
}
