package log

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"slices"
)

// A producer snapshot (<offset>.snapshot) is the idempotent producer state
// after every batch below offset, so recovery replays only the batches after
// the newest snapshot instead of the whole log (Kafka's .snapshot files).
// Layout, big endian:
//
//	magic "SPPS" | version u16 (1) | crc32c u32 of what follows | count u32
//	count × { producerId i64 | epoch i16 | lastTimestamp i64 | n u8 |
//	          n × { firstSeq i32 | lastSeq i32 | firstOffset i64 | lastOffset i64 } }
const (
	snapshotMagic      = "SPPS"
	snapshotVersion    = 1
	snapshotHeaderSize = 4 + 2 + 4
	snapshotBatchSize  = 4 + 4 + 8 + 8
	snapshotEntryFixed = 8 + 2 + 8 + 1
)

// encodeProducerSnapshot serializes the state, producers in id order so the
// same state always gives the same bytes.
func encodeProducerSnapshot(ps producerStates) []byte {
	ids := make([]int64, 0, len(ps))
	for id := range ps {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	be := binary.BigEndian
	b := append([]byte(snapshotMagic), 0, snapshotVersion, 0, 0, 0, 0)
	b = be.AppendUint32(b, uint32(len(ids)))
	for _, id := range ids {
		e := ps[id]
		b = be.AppendUint64(b, uint64(id))
		b = be.AppendUint16(b, uint16(e.epoch))
		b = be.AppendUint64(b, uint64(e.lastTimestamp))
		b = append(b, e.n)
		for _, pb := range e.batches[:e.n] {
			b = be.AppendUint32(b, uint32(pb.firstSeq))
			b = be.AppendUint32(b, uint32(pb.lastSeq))
			b = be.AppendUint64(b, uint64(pb.firstOffset))
			b = be.AppendUint64(b, uint64(pb.lastOffset))
		}
	}
	be.PutUint32(b[6:], crc32.Checksum(b[snapshotHeaderSize:], castagnoli))
	return b
}

var errSnapshotShort = errors.New("snapshot ends early")

// decodeProducerSnapshot parses and verifies a snapshot.
func decodeProducerSnapshot(b []byte) (producerStates, error) {
	be := binary.BigEndian
	if len(b) < snapshotHeaderSize+4 || string(b[:4]) != snapshotMagic {
		return nil, errors.New("not a producer snapshot")
	}
	if v := be.Uint16(b[4:]); v != snapshotVersion {
		return nil, fmt.Errorf("snapshot version %d is not %d", v, snapshotVersion)
	}
	if got, want := crc32.Checksum(b[snapshotHeaderSize:], castagnoli), be.Uint32(b[6:]); got != want {
		return nil, fmt.Errorf("snapshot CRC32C 0x%08x does not match 0x%08x", got, want)
	}
	rest := b[snapshotHeaderSize:]
	count := be.Uint32(rest)
	rest = rest[4:]
	if uint64(count)*snapshotEntryFixed > uint64(len(rest)) {
		return nil, errSnapshotShort
	}
	ps := make(producerStates, count)
	for range count {
		if len(rest) < snapshotEntryFixed {
			return nil, errSnapshotShort
		}
		id := int64(be.Uint64(rest))
		e := producerEntry{epoch: int16(be.Uint16(rest[8:])), lastTimestamp: int64(be.Uint64(rest[10:])), n: rest[18]}
		rest = rest[snapshotEntryFixed:]
		if e.n > maxProducerBatches || len(rest) < int(e.n)*snapshotBatchSize {
			return nil, fmt.Errorf("producer %d: %d batches do not fit the snapshot", id, e.n)
		}
		for i := range int(e.n) {
			e.batches[i] = producerBatch{
				firstSeq:    int32(be.Uint32(rest)),
				lastSeq:     int32(be.Uint32(rest[4:])),
				firstOffset: int64(be.Uint64(rest[8:])),
				lastOffset:  int64(be.Uint64(rest[16:])),
			}
			rest = rest[snapshotBatchSize:]
		}
		ps[id] = e
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("%d bytes after the last producer", len(rest))
	}
	return ps, nil
}
