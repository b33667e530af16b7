package log

import (
	"slices"
	"testing"
)

func TestEpochCacheAssign(t *testing.T) {
	var c epochCache
	steps := []struct {
		epoch   int32
		offset  int64
		changed bool
		want    []EpochEntry
	}{
		{0, 0, true, []EpochEntry{{0, 0}}},
		{0, 5, false, []EpochEntry{{0, 0}}},
		{2, 10, true, []EpochEntry{{0, 0}, {2, 10}}},
		{1, 12, false, []EpochEntry{{0, 0}, {2, 10}}},        // an old epoch after a newer one is ignored
		{3, 10, true, []EpochEntry{{0, 0}, {3, 10}}},         // same start, newer epoch replaces
		{4, 8, true, []EpochEntry{{0, 0}, {4, 8}}},           // earlier start drops later entries
		{-1, 20, false, []EpochEntry{{0, 0}, {4, 8}}},        // no epoch
		{5, 30, true, []EpochEntry{{0, 0}, {4, 8}, {5, 30}}}, // next
		{5, 25, true, []EpochEntry{{0, 0}, {4, 8}, {5, 25}}}, // same epoch, earlier start
		{6, 40, true, []EpochEntry{{0, 0}, {4, 8}, {5, 25}, {6, 40}}},
	}
	for i, s := range steps {
		if got := c.assign(s.epoch, s.offset); got != s.changed || !slices.Equal(c.entries, s.want) {
			t.Fatalf("step %d assign(%d, %d): changed %v entries %v; want %v %v", i, s.epoch, s.offset, got, c.entries, s.changed, s.want)
		}
	}
}

func TestEpochCacheTruncate(t *testing.T) {
	base := []EpochEntry{{0, 0}, {2, 10}, {5, 30}}
	c := epochCache{entries: slices.Clone(base)}
	c.truncateFromEnd(30)
	if !slices.Equal(c.entries, []EpochEntry{{0, 0}, {2, 10}}) {
		t.Fatalf("truncateFromEnd(30) = %v", c.entries)
	}
	c = epochCache{entries: slices.Clone(base)}
	c.truncateFromStart(15)
	if !slices.Equal(c.entries, []EpochEntry{{2, 15}, {5, 30}}) {
		t.Fatalf("truncateFromStart(15) = %v", c.entries)
	}
	c = epochCache{entries: slices.Clone(base)}
	c.truncateFromStart(30)
	if !slices.Equal(c.entries, []EpochEntry{{5, 30}}) {
		t.Fatalf("truncateFromStart(30) = %v", c.entries)
	}
}

func TestEndOffsetForEpoch(t *testing.T) {
	c := epochCache{entries: []EpochEntry{{1, 0}, {3, 100}, {6, 250}}}
	cases := []struct {
		epoch     int32
		wantEpoch int32
		wantEnd   int64
	}{
		{UndefinedEpoch, UndefinedEpoch, UndefinedOffset},
		{0, 0, 0},   // below every known epoch: itself, the first start
		{1, 1, 100}, // ends where epoch 3 starts
		{2, 1, 100}, // unknown epoch between: the floor epoch
		{3, 3, 250}, // ends where epoch 6 starts
		{5, 3, 250}, //
		{6, 6, 400}, // latest: the log end offset
		{7, UndefinedEpoch, UndefinedOffset},
	}
	for _, tc := range cases {
		e, off := c.endOffsetFor(tc.epoch, 400)
		if e != tc.wantEpoch || off != tc.wantEnd {
			t.Errorf("endOffsetFor(%d) = %d, %d; want %d, %d", tc.epoch, e, off, tc.wantEpoch, tc.wantEnd)
		}
	}
	if e, off := (&epochCache{}).endOffsetFor(0, 10); e != UndefinedEpoch || off != UndefinedOffset {
		t.Errorf("empty cache answered %d, %d", e, off)
	}
}

func TestEpochCheckpointFormat(t *testing.T) {
	entries := []EpochEntry{{0, 0}, {4, 1200}}
	b := encodeEpochCheckpoint(entries)
	if string(b) != "0\n2\n0 0\n4 1200\n" {
		t.Fatalf("encoded %q", b)
	}
	got, err := decodeEpochCheckpoint(b)
	if err != nil || !slices.Equal(got, entries) {
		t.Fatalf("decoded %v %v", got, err)
	}
	for _, bad := range []string{"", "1\n0\n", "0\n3\n0 0\n", "0\n1\nx y\n", "0\n2\n5 10\n4 20\n"} {
		if _, err := decodeEpochCheckpoint([]byte(bad)); err == nil {
			t.Errorf("%q decoded", bad)
		}
	}
}
