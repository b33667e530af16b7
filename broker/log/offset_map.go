package log

import "hash/maphash"

// DefaultCompactionMapKeys is how many distinct keys one compaction round
// maps by default (WithCompactionMapKeys): about 48 MiB while it runs.
const DefaultCompactionMapKeys = 1 << 20

// offsetMap maps the keys of a compaction round's dirty records to the
// offset of their latest record (Kafka's SkimpyOffsetMap). A key is held as
// a 128-bit hash, two maphash sums with independent random seeds, so memory
// does not grow with key sizes and a collision (which would drop a record)
// is as unlikely as in Kafka's MD5-based map.
type offsetMap struct {
	seeds [2]maphash.Seed
	m     map[[2]uint64]int64
	limit int
}

func newOffsetMap(limit int) *offsetMap {
	return &offsetMap{
		seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()},
		m:     make(map[[2]uint64]int64, min(limit, 1<<12)),
		limit: limit,
	}
}

func (m *offsetMap) hash(key []byte) [2]uint64 {
	return [2]uint64{maphash.Bytes(m.seeds[0], key), maphash.Bytes(m.seeds[1], key)}
}

// put records that key's latest record so far is at offset. Offsets are put
// in increasing order, so the last put wins.
func (m *offsetMap) put(key []byte, offset int64) { m.m[m.hash(key)] = offset }

// get returns the offset of key's latest mapped record.
func (m *offsetMap) get(key []byte) (int64, bool) {
	off, ok := m.m[m.hash(key)]
	return off, ok
}

// full reports whether the map holds its limit of keys.
func (m *offsetMap) full() bool { return len(m.m) >= m.limit }
