package log

import (
	"testing"
)

func TestOffsetIndexLookup(t *testing.T) {
	ix := offsetIndex{{0, 0}, {10, 4096}, {25, 8300}, {40, 12500}}
	cases := []struct {
		rel     uint32
		wantPos uint32
		ok      bool
	}{
		{0, 0, true}, {9, 0, true}, {10, 4096, true}, {24, 4096, true}, {25, 8300, true}, {1000, 12500, true},
	}
	for _, c := range cases {
		e, ok := ix.lookup(c.rel)
		if ok != c.ok || e.pos != c.wantPos {
			t.Errorf("lookup(%d) = %+v %v, want pos %d", c.rel, e, ok, c.wantPos)
		}
	}
	if _, ok := (offsetIndex{{5, 0}}).lookup(3); ok {
		t.Error("lookup before the first entry found one")
	}
	posCases := []struct{ pos, want uint32 }{{0, 0}, {4095, 0}, {4096, 4096}, {9000, 8300}, {1 << 30, 12500}}
	for _, c := range posCases {
		if e, _ := ix.lookupPos(c.pos); e.pos != c.want {
			t.Errorf("lookupPos(%d) = %d, want %d", c.pos, e.pos, c.want)
		}
	}
}

func TestOffsetIndexDecode(t *testing.T) {
	good := offsetIndex{{0, 0}, {10, 4096}, {25, 8300}}
	enc := appendOffsetIndex(nil, good)
	cases := []struct {
		name    string
		b       []byte
		size    int64
		want    int
		wantErr bool
	}{
		{"whole", enc, 10000, 3, false},
		{"torn last entry dropped", enc[:len(enc)-3], 10000, 2, false},
		{"empty", nil, 10000, 0, false},
		{"points past data", enc, 8300, 0, true},
		{"not increasing", appendOffsetIndex(nil, offsetIndex{{0, 0}, {10, 4096}, {10, 5000}}), 10000, 0, true},
		{"first not at 0", appendOffsetIndex(nil, offsetIndex{{3, 100}}), 10000, 0, true},
	}
	for _, c := range cases {
		ix, err := decodeOffsetIndex(c.b, c.size)
		if (err != nil) != c.wantErr || len(ix) != c.want {
			t.Errorf("%s: %d entries, err %v", c.name, len(ix), err)
		}
	}
}

func TestTimeIndex(t *testing.T) {
	var tx timeIndex
	tx = tx.maybeAppend(100, 0)
	tx = tx.maybeAppend(100, 5) // timestamp did not grow
	tx = tx.maybeAppend(200, 9)
	tx = tx.maybeAppend(150, 12) // went backwards
	tx = tx.maybeAppend(300, 20)
	if len(tx) != 3 {
		t.Fatalf("entries %+v", tx)
	}
	cases := []struct {
		target  int64
		wantRel uint32
		ok      bool
	}{{50, 0, false}, {100, 0, false}, {101, 0, true}, {200, 0, true}, {250, 9, true}, {1000, 20, true}}
	for _, c := range cases {
		e, ok := tx.lookupBefore(c.target)
		if ok != c.ok || (ok && e.rel != c.wantRel) {
			t.Errorf("lookupBefore(%d) = %+v %v, want rel %d %v", c.target, e, ok, c.wantRel, c.ok)
		}
	}
	dec, err := decodeTimeIndex(appendTimeIndex(nil, tx), 20)
	if err != nil || len(dec) != 3 {
		t.Fatalf("round trip: %v %v", dec, err)
	}
	if _, err := decodeTimeIndex(appendTimeIndex(nil, tx), 19); err == nil {
		t.Fatal("an entry past the segment was accepted")
	}
	if got := tx.truncateRel(9); len(got) != 1 {
		t.Fatalf("truncateRel(9) = %+v", got)
	}
}
