package log

import (
	"fmt"
	"maps"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
)

// FuzzCompact drives a compacted log with batches of random keys, values
// and tombstones, random codecs, rolls and compactions, then checks what
// compaction promises: the log replays (later records win, tombstones
// delete) to the same map as the input, every record read back is one that
// was written at that offset, and below the first dirty offset each key has
// one record at most. Each input byte is one step.
func FuzzCompact(f *testing.F) {
	f.Add([]byte{0x10, 0x21, 0x32, 0xf0, 0x13, 0x24, 0xf1, 0x15, 0xf0})
	f.Add([]byte{0x01, 0x02, 0x03, 0x81, 0x82, 0xf0, 0x01, 0xf1, 0xf0, 0xf0})
	f.Add([]byte{0x40, 0x41, 0x42, 0x43, 0xc4, 0xf0, 0x45, 0x46, 0xf1, 0x47, 0xf0, 0xf2})
	f.Add([]byte{0x7f, 0xff, 0x00, 0xf1, 0x80, 0xf0, 0xf2, 0x3a, 0xba, 0xf1, 0xf0})
	fsyncOff.Store(true)
	f.Cleanup(func() { fsyncOff.Store(false) })
	codecs := []kgo.CompressionCodec{kgo.NoCompression(), kgo.GzipCompression(), kgo.SnappyCompression(), kgo.Lz4Compression(), kgo.ZstdCompression()}
	f.Fuzz(func(t *testing.T, steps []byte) {
		if len(steps) > 200 {
			steps = steps[:200]
		}
		cfg := compactCfg(400)
		cfg.DeleteRetention = -1 // tombstones go at their second compaction
		dir := t.TempDir()
		l := mustOpen(t, dir, cfg, WithCompactionMapKeys(4))
		defer func() { l.Close() }()
		var written []consumed
		var batch []kv
		flush := func(codec int) {
			if len(batch) == 0 {
				return
			}
			base := appendKV(t, l, kvs(batch...).compressed(codecs[codec%len(codecs)]))
			for i, r := range batch {
				written = append(written, consumed{offset: base + int64(i), key: r.key, value: r.value, tombstone: r.tombstone})
			}
			batch = batch[:0]
		}
		for i, s := range steps {
			switch {
			case s == 0xf0:
				flush(i)
				if _, err := l.Compact(); err != nil {
					t.Fatal(err)
				}
			case s == 0xf1:
				flush(i)
				if l.active().size == 0 {
					continue // the log never rolls an empty segment
				}
				if err := l.roll(l.LogEndOffset(), l.nowMs()); err != nil {
					t.Fatal(err)
				}
			case s == 0xf2:
				flush(i)
				l.Close()
				l = mustOpen(t, dir, cfg, WithCompactionMapKeys(4))
			default:
				key := fmt.Sprint("k", s&0x0f)
				if s&0x80 != 0 {
					batch = append(batch, del(key))
				} else {
					batch = append(batch, put(key, fmt.Sprint("v", i)))
				}
				if len(batch) == int(s>>4&0x3)+1 {
					flush(int(s))
				}
			}
		}
		flush(0)
		st, err := l.Compact()
		if err != nil {
			t.Fatal(err)
		}
		got := consume(t, l)
		if want := replay(written); !maps.Equal(replay(got), want) {
			t.Fatalf("the compacted log replays to %v, the input to %v", replay(got), want)
		}
		byOffset := map[int64]consumed{}
		for _, w := range written {
			byOffset[w.offset] = w
		}
		seen := map[string]bool{}
		for _, g := range got {
			w, ok := byOffset[g.offset]
			if !ok || w.key != g.key || w.value != g.value || w.tombstone != g.tombstone {
				t.Fatalf("read %v, written there: %v", g, w)
			}
			if g.offset < st.FirstDirtyOffset && seen[g.key] {
				t.Fatalf("key %s twice below the first dirty offset %d", g.key, st.FirstDirtyOffset)
			}
			seen[g.key] = true
		}
	})
}
