package log

import (
	"errors"
	"math"
	"testing"
)

func TestCheckProducerAppend(t *testing.T) {
	entry := func(epoch int16, seqs ...[2]int32) producerEntry {
		var e producerEntry
		e.epoch = epoch
		off := int64(0)
		for _, s := range seqs {
			n := int64(s[1] - s[0])
			if s[1] < s[0] {
				n = int64(s[1]) + int64(math.MaxInt32-s[0]) + 1
			}
			e = applyProducerAppend(e, true, producerBatchInfo{id: 1, epoch: epoch, firstSeq: s[0], lastSeq: s[1]}, off, off+n, 0)
			off += n + 1
		}
		return e
	}
	cases := []struct {
		name    string
		cur     producerEntry
		known   bool
		epoch   int16
		first   int32
		last    int32
		wantDup bool
		wantErr error
	}{
		{"unknown producer, seq 0", producerEntry{}, false, 0, 0, 4, false, nil},
		{"unknown producer, any seq (state lost to retention)", producerEntry{}, false, 0, 77, 80, false, nil},
		{"next in sequence", entry(0, [2]int32{0, 4}), true, 0, 5, 9, false, nil},
		{"gap", entry(0, [2]int32{0, 4}), true, 0, 6, 9, false, ErrOutOfOrderSequence},
		{"repeat of an older sequence that is not kept", entry(0, [2]int32{0, 4}, [2]int32{5, 9}), true, 0, 3, 4, false, ErrOutOfOrderSequence},
		{"duplicate of the last batch", entry(0, [2]int32{0, 4}, [2]int32{5, 9}), true, 0, 5, 9, true, nil},
		{"duplicate of an older kept batch", entry(0, [2]int32{0, 4}, [2]int32{5, 9}), true, 0, 0, 4, true, nil},
		{"same first seq, other last seq is not a duplicate", entry(0, [2]int32{0, 4}), true, 0, 0, 3, false, ErrOutOfOrderSequence},
		{"stale epoch", entry(3, [2]int32{0, 4}), true, 2, 5, 9, false, ErrInvalidProducerEpoch},
		{"new epoch from 0", entry(3, [2]int32{0, 4}), true, 4, 0, 2, false, nil},
		{"new epoch not from 0", entry(3, [2]int32{0, 4}), true, 4, 5, 9, false, ErrOutOfOrderSequence},
		{"wrap-around", entry(0, [2]int32{math.MaxInt32 - 4, math.MaxInt32}), true, 0, 0, 3, false, nil},
		{"batch crossing the wrap", entry(0, [2]int32{0, math.MaxInt32 - 2}), true, 0, math.MaxInt32 - 1, 1, false, nil},
		{"after the wrap, 1 is out of order", entry(0, [2]int32{math.MaxInt32 - 4, math.MaxInt32}), true, 0, 1, 3, false, ErrOutOfOrderSequence},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, dup, err := checkProducerAppend(c.cur, c.known, producerBatchInfo{id: 1, epoch: c.epoch, firstSeq: c.first, lastSeq: c.last})
			if dup != c.wantDup || !errors.Is(err, c.wantErr) || (c.wantErr == nil) != (err == nil) {
				t.Fatalf("dup %v err %v; want dup %v err %v", dup, err, c.wantDup, c.wantErr)
			}
		})
	}
}

func TestProducerEntryKeepsLastFive(t *testing.T) {
	var e producerEntry
	known := false
	for i := range int32(8) {
		e = applyProducerAppend(e, known, producerBatchInfo{id: 1, epoch: 0, firstSeq: i * 10, lastSeq: i*10 + 9}, int64(i*10), int64(i*10+9), int64(i))
		known = true
	}
	if e.n != maxProducerBatches || e.batches[0].firstSeq != 30 || e.lastSeq() != 79 || e.lastOffset() != 79 || e.lastTimestamp != 7 {
		t.Fatalf("entry %+v", e)
	}
	if _, ok := e.findDuplicate(0, 20, 29); ok {
		t.Fatal("an evicted batch is still found")
	}
	if b, ok := e.findDuplicate(0, 40, 49); !ok || b.firstOffset != 40 {
		t.Fatalf("kept batch not found: %+v", b)
	}
	e = applyProducerAppend(e, true, producerBatchInfo{id: 1, epoch: 1, firstSeq: 0, lastSeq: 0}, 100, 100, 8)
	if e.n != 1 || e.epoch != 1 {
		t.Fatalf("a new epoch kept old batches: %+v", e)
	}
}

func TestProducerSnapshotRoundTrip(t *testing.T) {
	ps := producerStates{}
	for id := int64(1); id <= 3; id++ {
		var e producerEntry
		for i := range int32(id + 3) {
			e = applyProducerAppend(e, i > 0, producerBatchInfo{id: id, epoch: int16(id), firstSeq: i * 2, lastSeq: i*2 + 1}, int64(i)*2, int64(i)*2+1, 1234)
		}
		ps[id] = e
	}
	b := encodeProducerSnapshot(ps)
	got, err := decodeProducerSnapshot(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[3] != ps[3] || got[1] != ps[1] {
		t.Fatalf("round trip differs: %+v", got)
	}
	for _, cut := range []int{0, 5, 12, len(b) - 1} {
		if _, err := decodeProducerSnapshot(b[:cut]); err == nil {
			t.Errorf("a snapshot cut at %d decoded", cut)
		}
	}
	b[len(b)-1] ^= 1
	if _, err := decodeProducerSnapshot(b); err == nil {
		t.Error("a corrupt snapshot decoded")
	}
}

func TestProducerEviction(t *testing.T) {
	ps := producerStates{}
	ps[1] = applyProducerAppend(producerEntry{}, false, producerBatchInfo{id: 1, firstSeq: 0, lastSeq: 0}, 10, 19, 1000)
	ps[2] = applyProducerAppend(producerEntry{}, false, producerBatchInfo{id: 2, firstSeq: 0, lastSeq: 0}, 20, 29, 5000)
	ps.evictBefore(20)
	if _, ok := ps[1]; ok || len(ps) != 1 {
		t.Fatalf("evictBefore kept %v", ps)
	}
	ps.evictIdle(6000, 1000)
	if len(ps) != 0 {
		t.Fatalf("evictIdle kept %v", ps)
	}
}
